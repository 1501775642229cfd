// weft_exp: Weft's own exp for x <= 0, built only from correctly rounded double operations so that
// native, WASM and NumPy builds agree bit for bit (libm, musl and NumPy each round exp differently).
// See docs/SAMPLING.md for the exact definition.
#pragma once

namespace weft {

double weft_exp(double x);

}  // namespace weft
