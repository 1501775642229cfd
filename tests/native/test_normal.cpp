#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "weft/normal.h"

TEST_CASE("weft_log agrees with log to 1e-15 relative (it only needs to be reproducible, not correctly rounded)") {
  weft::SplitMix64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const double x = i < 100000 ? rng.uniform() : std::ldexp(1.0 + rng.uniform(), static_cast<int>(rng.next() % 200) - 100);
    if (x <= 0.0) continue;
    const double got = weft::weft_log(x), want = std::log(x);
    REQUIRE(std::fabs(got - want) <= 1e-15 * std::fabs(want) + 1e-300);
  }
  CHECK(weft::weft_log(1.0) == 0.0);
  CHECK(weft::weft_log(0.5) == doctest::Approx(-0.6931471805599453).epsilon(1e-16));
}

TEST_CASE("normal draws have the standard normal's moments and tails") {
  weft::SplitMix64 rng(11);
  weft::NormalSampler normal;
  const int n = 400000;
  double sum = 0, sq = 0, quart = 0;
  int beyond2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = normal.next(rng);
    sum += z;
    sq += z * z;
    quart += z * z * z * z;
    beyond2 += std::fabs(z) > 2.0;
  }
  CHECK(std::fabs(sum / n) < 0.01);
  CHECK(std::fabs(sq / n - 1.0) < 0.01);
  CHECK(std::fabs(quart / n - 3.0) < 0.05);            // kurtosis of N(0, 1)
  CHECK(std::fabs(beyond2 / double(n) - 0.0455) < 0.002);  // P(|z| > 2) = 4.55 %
}

TEST_CASE("normal draws are float32(scale * z), in pairs from one seed") {
  weft::SplitMix64 a(5), b(5);
  weft::NormalSampler na, nb;
  std::vector<float> got(6);
  na.fill(a, std::sqrt(0.3), got.data(), got.size());
  for (float g : got) CHECK(g == static_cast<float>(std::sqrt(0.3) * nb.next(b)));
  CHECK(a.state() == b.state());
}
