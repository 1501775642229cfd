// Standard normal draws that native, WASM and NumPy reproduce bit for bit (docs/SAMPLING.md,
// "Normal draws"): Marsaglia's polar method on SplitMix64 uniforms, with Weft's own log built only
// from correctly rounded double operations (libm, musl and NumPy each round log differently).
#pragma once
#include <cstddef>

#include "weft/rng.h"

namespace weft {

// log(x) for finite x > 0, as docs/SAMPLING.md defines it (within 1e-15 relative of the true value).
double weft_log(double x);

class NormalSampler {
 public:
  // Draws come in pairs; the second of a pair is kept for the next draw.
  double next(SplitMix64& rng);
  // out[i] = float(scale * z_i) for n draws.
  void fill(SplitMix64& rng, double scale, float* out, std::size_t n);
  void reset() { hasSpare_ = false; }

 private:
  double spare_ = 0.0;
  bool hasSpare_ = false;
};

}  // namespace weft
