#include "weft/image.h"

#include <algorithm>

#include "image_passes.h"

namespace weft {

// Resize (Pillow's passes, image_passes.h) only the pixels the output shows, then ToTensor
// (v / 255) and Normalize ((t - mean) / std) in float32 like torchvision, into the planes in the
// tensor's channel order; everything else holds the fill (crop or pad padding).
void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    float* out) {
  spec.checkInput(width, height);
  const std::array<std::int64_t, 2> size = spec.resizedSize(height, width);
  const Placement p = spec.place(size[0], size[1]);
  const std::int64_t plane = p.height * p.width;
  for (int c = 0; c < 3; ++c) std::fill(out + c * plane, out + (c + 1) * plane, spec.fill[c]);
  const std::int64_t y0 = std::max<std::int64_t>(p.top, 0), y1 = std::min(p.top + p.height, size[0]);
  const std::int64_t x0 = std::max<std::int64_t>(p.left, 0), x1 = std::min(p.left + p.width, size[1]);
  if (y0 >= y1 || x0 >= x1) return;
  const std::int64_t nx = x1 - x0;
  const std::vector<std::uint8_t> rgb = resampleWindow(rgba, width, height, size, {y0, y1}, {x0, x1}, spec.interpolation);
  for (int c = 0; c < 3; ++c) {
    const int source = spec.bgr ? 2 - c : c;
    for (std::int64_t y = y0; y < y1; ++y) {
      const std::uint8_t* src = &rgb[static_cast<std::size_t>((y - y0) * nx * 3)];
      float* dst = out + c * plane + (y - p.top) * p.width + (x0 - p.left);
      for (std::int64_t x = 0; x < nx; ++x)
        dst[x] = (static_cast<float>(src[x * 3 + source]) / 255.0f - spec.mean[c]) / spec.std[c];
    }
  }
}

void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    std::vector<float>& out) {
  spec.checkInput(width, height);
  const auto size = spec.outputSize(height, width);
  out.assign(static_cast<std::size_t>(3 * size[0] * size[1]), 0.f);
  preprocessRgba(rgba, width, height, spec, out.data());
}

}  // namespace weft
