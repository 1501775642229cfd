#include <doctest/doctest.h>

#include <cmath>

#include "weft/exp.h"

TEST_CASE("weft_exp agrees with std::exp to ~2 ulp over the normal range") {
  double worst = 0.0;
  for (int i = 0; i <= 200000; ++i) {
    const double x = -708.0 * i / 200000.0 - 1e-7 * (i % 7);
    const double want = std::exp(x);
    const double rel = std::fabs(weft::weft_exp(x) - want) / want;
    worst = std::max(worst, rel);
  }
  CHECK(worst < 1e-15);
}

TEST_CASE("weft_exp special points") {
  CHECK(weft::weft_exp(0.0) == 1.0);  // k = 0, r = 0: the polynomial is exactly 1
  CHECK(weft::weft_exp(-745.5) == 0.0);
  CHECK(weft::weft_exp(-1e308) == 0.0);
  CHECK(weft::weft_exp(-1.0) == doctest::Approx(0.36787944117144233).epsilon(1e-15));
  CHECK(weft::weft_exp(-std::log(2.0)) == doctest::Approx(0.5).epsilon(1e-15));
  // Subnormal results are still close (ldexp rounds once).
  const double x = -740.0;
  CHECK(std::fabs(weft::weft_exp(x) - std::exp(x)) <= 4.9406564584124654e-324 * 2);
}
