// SplitMix64 (Steele, Lea & Flood; Vigna's reference splitmix64.c), as SAMPLING.md specifies:
// simple, fast, and trivially reproducible in NumPy, which is what token-exact parity needs.
#pragma once
#include <cstdint>

namespace weft {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed = 0) : state_(seed) {}
  std::uint64_t next();
  // Uniform double in [0, 1): the top 53 bits of one draw times 2^-53 (exact).
  double uniform();
  std::uint64_t state() const { return state_; }

 private:
  std::uint64_t state_;
};

}  // namespace weft
