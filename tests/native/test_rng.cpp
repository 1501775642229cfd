#include <doctest/doctest.h>

#include "weft/rng.h"

// Reference outputs of Vigna's splitmix64.c for seed 1234567 (independent ground truth; also
// reproducible with five lines of Python big-integer arithmetic).
TEST_CASE("SplitMix64 matches the reference sequence") {
  weft::SplitMix64 r(1234567);
  CHECK(r.next() == 6457827717110365317ull);
  CHECK(r.next() == 3203168211198807973ull);
  CHECK(r.next() == 9817491932198370423ull);
  CHECK(r.next() == 4593380528125082431ull);
  CHECK(r.next() == 16408922859458223821ull);
}

TEST_CASE("SplitMix64 uniform takes the top 53 bits") {
  weft::SplitMix64 r(1234567);
  // (6457827717110365317 >> 11) * 2^-53
  CHECK(r.uniform() == static_cast<double>(6457827717110365317ull >> 11) / 9007199254740992.0);
  weft::SplitMix64 zero(0);
  const double u = zero.uniform();
  CHECK(u >= 0.0);
  CHECK(u < 1.0);
}
