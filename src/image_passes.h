// Pillow's resampling (libImaging/Resample.c) on 8-bit RGB: the fixed-point coefficients and the
// two separable passes, run in the order Pillow's one-call Image.resize runs them, over only the
// output window the caller keeps (every output pixel depends only on its own taps, so skipping
// the others changes no value).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "weft/image.h"

namespace weft {

// Output rows [y0, y1) and columns [x0, x1) of Pillow's resize of the RGBA image (width x height,
// alpha read past) to (outH, outW), as packed RGB rows (x1 - x0) pixels wide.
std::vector<std::uint8_t> resampleWindow(const std::uint8_t* rgba, std::int64_t width, std::int64_t height,
                                         std::array<std::int64_t, 2> outSize, std::array<std::int64_t, 2> rows,
                                         std::array<std::int64_t, 2> cols, Interpolation interpolation);

}  // namespace weft
