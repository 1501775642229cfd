#include "weft/rng.h"

namespace weft {

std::uint64_t SplitMix64::next() {
  state_ += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double SplitMix64::uniform() {
  // 2^-53 is a power of two, so the product is exact: no rounding-mode dependence.
  return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace weft
