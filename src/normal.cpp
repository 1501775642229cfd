#include "weft/normal.h"

#include <cmath>

namespace weft {

namespace {
// 1/(2j+1) for j = 0..11, each the double nearest the reciprocal (one correctly rounded division).
constexpr double inv(int j) { return 1.0 / static_cast<double>(2 * j + 1); }
constexpr double kInvOdd[12] = {inv(0), inv(1), inv(2), inv(3), inv(4),  inv(5),
                                inv(6), inv(7), inv(8), inv(9), inv(10), inv(11)};
constexpr double kLn2Hi = 0.6931471803691238, kLn2Lo = 1.9082149292705877e-10;
constexpr double kSqrtHalf = 0.7071067811865476;
}  // namespace

double weft_log(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1): exact
  if (m < kSqrtHalf) {
    m *= 2.0;  // exact
    --e;
  }
  // log m = 2 atanh(u), u = (m - 1) / (m + 1); |u| <= 0.1716, so 12 odd terms reach 1e-18.
  const double f = m - 1.0;  // exact (Sterbenz)
  const double u = f / (2.0 + f);
  const double u2 = u * u;
  double p = kInvOdd[11];
  for (int j = 10; j >= 0; --j) p = p * u2 + kInvOdd[j];  // -ffp-contract=off: no FMA here
  const double k = static_cast<double>(e);
  return k * kLn2Hi + (k * kLn2Lo + 2.0 * u * p);
}

double NormalSampler::next(SplitMix64& rng) {
  if (hasSpare_) {
    hasSpare_ = false;
    return spare_;
  }
  double a, b, s;
  do {
    a = 2.0 * rng.uniform() - 1.0;
    b = 2.0 * rng.uniform() - 1.0;
    s = a * a + b * b;
  } while (!(s > 0.0 && s < 1.0));
  const double factor = std::sqrt(-2.0 * weft_log(s) / s);  // sqrt is correctly rounded
  spare_ = b * factor;
  hasSpare_ = true;
  return a * factor;
}

void NormalSampler::fill(SplitMix64& rng, double scale, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(scale * next(rng));
}

}  // namespace weft
