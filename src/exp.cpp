#include "weft/exp.h"

#include <cmath>

namespace weft {

namespace {
// 1/j! for j = 0..13, each the double nearest to the reciprocal: j! is exact in double for
// j <= 13 and a single division is correctly rounded (constexpr evaluation is exact IEEE too).
constexpr double fact(int j) { return j <= 1 ? 1.0 : j * fact(j - 1); }
constexpr double kInvFact[14] = {
    1.0 / fact(0),  1.0 / fact(1),  1.0 / fact(2),  1.0 / fact(3), 1.0 / fact(4),
    1.0 / fact(5),  1.0 / fact(6),  1.0 / fact(7),  1.0 / fact(8), 1.0 / fact(9),
    1.0 / fact(10), 1.0 / fact(11), 1.0 / fact(12), 1.0 / fact(13)};
}  // namespace

double weft_exp(double x) {
  if (x < -745.0) return 0.0;
  // Cody-Waite reduction x = k*ln2 + r with ln2 split in a high part (few significant bits, so
  // k*hi is exact) and a low correction.
  const double k = std::floor(x * 1.4426950408889634 + 0.5);
  const double r = (x - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
  double p = kInvFact[13];
  for (int j = 12; j >= 0; --j) p = p * r + kInvFact[j];  // -ffp-contract=off: no FMA here
  return std::ldexp(p, static_cast<int>(k));
}

}  // namespace weft
