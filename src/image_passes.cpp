#include "image_passes.h"

#include <algorithm>
#include <cmath>

namespace weft {
namespace {

// Pillow's filters: triangle with support 1, Keys cubic (a = -0.5) with support 2. Both are
// widened by the downscale factor, which is what antialiasing means.
double bilinear(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}
double bicubic(double x) {
  const double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's fixed-point precision for 8-bit images

struct Coeffs {
  int ksize = 0;
  std::vector<int> bounds;      // per output: first input index, count
  std::vector<std::int32_t> k;  // outSize * ksize fixed-point weights
};

// Pillow's precompute_coeffs + normalize_coeffs_8bpc, for the box (0, inSize).
Coeffs coefficients(std::int64_t inSize, std::int64_t outSize, Interpolation interp) {
  double (*filter)(double) = interp == Interpolation::Bicubic ? bicubic : bilinear;
  const double baseSupport = interp == Interpolation::Bicubic ? 2.0 : 1.0;
  const double scale = static_cast<double>(static_cast<float>(inSize)) / static_cast<double>(outSize);
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = baseSupport * filterscale;
  Coeffs c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.bounds.resize(static_cast<std::size_t>(outSize) * 2);
  c.k.assign(static_cast<std::size_t>(outSize) * c.ksize, 0);
  std::vector<double> w(static_cast<std::size_t>(c.ksize));
  for (std::int64_t xx = 0; xx < outSize; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > inSize) xmax = static_cast<int>(inSize);
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[x] = filter((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (int x = 0; x < xmax; ++x) {
      const double v = ww != 0.0 ? w[x] / ww : w[x];
      c.k[xx * c.ksize + x] = static_cast<std::int32_t>(v < 0 ? -0.5 + v * (1 << kPrecisionBits)
                                                                : 0.5 + v * (1 << kPrecisionBits));
    }
    c.bounds[xx * 2] = xmin;
    c.bounds[xx * 2 + 1] = xmax;
  }
  return c;
}

inline std::uint8_t clip8(std::int32_t v) {
  if (v >= (1 << kPrecisionBits << 8)) return 255;
  if (v <= 0) return 0;
  return static_cast<std::uint8_t>(v >> kPrecisionBits);
}

// The input indices [first, last) that the outputs [o0, o1) of a pass read; [o0, o1) itself
// when the axis is not resized (the pass copies).
std::array<std::int64_t, 2> inputSpan(const Coeffs* c, std::array<std::int64_t, 2> out) {
  if (!c) return out;
  std::int64_t first = c->bounds[out[0] * 2], last = first;
  for (std::int64_t o = out[0]; o < out[1]; ++o) {
    first = std::min<std::int64_t>(first, c->bounds[o * 2]);
    last = std::max<std::int64_t>(last, c->bounds[o * 2] + c->bounds[o * 2 + 1]);
  }
  return {first, last};
}

// Interleaved 8-bit pixels whose first three bytes are R, G, B: the RGBA input (4 bytes a pixel)
// or a packed RGB intermediate (3). `data` is pixel (row0, col0); indices are the image's own.
struct Pixels {
  const std::uint8_t* data;
  std::int64_t rowStride;
  int pixelStride;
  std::int64_t row0, col0;
  const std::uint8_t* at(std::int64_t r, std::int64_t c) const {
    return data + (r - row0) * rowStride + (c - col0) * pixelStride;
  }
};

// One output sample: Pillow's rounded fixed-point sum over n taps `step` bytes apart.
template <std::int64_t kStep>
inline void convolve(const std::uint8_t* px, const std::int32_t* k, int n, std::uint8_t* o) {
  std::int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
  for (int i = 0; i < n; ++i, px += kStep) {
    s0 += px[0] * k[i];
    s1 += px[1] * k[i];
    s2 += px[2] * k[i];
  }
  o[0] = clip8(s0), o[1] = clip8(s1), o[2] = clip8(s2);
}

// Pillow's horizontal pass (c null: the columns are copied) over rows [rows[0], rows[1]) of
// `in` (kStride: its pixelStride, fixed so the loops compile for it), output columns cols;
// packed RGB.
template <int kStride>
std::vector<std::uint8_t> horizontalPass(const Pixels& in, const Coeffs* c, std::array<std::int64_t, 2> rows,
                                         std::array<std::int64_t, 2> cols) {
  const std::int64_t nx = cols[1] - cols[0];
  std::vector<std::uint8_t> out(static_cast<std::size_t>((rows[1] - rows[0]) * nx * 3));
  std::uint8_t* o = out.data();
  for (std::int64_t r = rows[0]; r < rows[1]; ++r)
    for (std::int64_t x = cols[0]; x < cols[1]; ++x, o += 3) {
      if (c) {
        convolve<kStride>(in.at(r, c->bounds[x * 2]), &c->k[x * c->ksize], c->bounds[x * 2 + 1], o);
      } else {
        const std::uint8_t* p = in.at(r, x);
        o[0] = p[0], o[1] = p[1], o[2] = p[2];
      }
    }
  return out;
}

// Pillow's vertical pass (c null: the rows are copied) over columns [cols[0], cols[1]) of `in`,
// output rows rows; packed RGB. Whole rows are accumulated tap by tap (the same integer sums as
// Pillow's per-pixel loop), which reads the input row by row.
template <int kStride>
std::vector<std::uint8_t> verticalPass(const Pixels& in, const Coeffs* c, std::array<std::int64_t, 2> rows,
                                       std::array<std::int64_t, 2> cols) {
  const std::int64_t nx = cols[1] - cols[0];
  std::vector<std::uint8_t> out(static_cast<std::size_t>((rows[1] - rows[0]) * nx * 3));
  std::vector<std::int32_t> acc(static_cast<std::size_t>(nx * 3));
  std::uint8_t* o = out.data();
  for (std::int64_t y = rows[0]; y < rows[1]; ++y, o += nx * 3) {
    if (!c) {
      for (std::int64_t x = 0; x < nx; ++x)
        for (int ch = 0; ch < 3; ++ch) o[x * 3 + ch] = in.at(y, cols[0] + x)[ch];
      continue;
    }
    const int ymin = c->bounds[y * 2], n = c->bounds[y * 2 + 1];
    const std::int32_t* k = &c->k[y * c->ksize];
    std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
    for (int i = 0; i < n; ++i) {
      const std::uint8_t* px = in.at(ymin + i, cols[0]);
      for (std::int64_t x = 0; x < nx; ++x, px += kStride)
        for (int ch = 0; ch < 3; ++ch) acc[x * 3 + ch] += px[ch] * k[i];
    }
    for (std::int64_t j = 0; j < nx * 3; ++j) o[j] = clip8(acc[j]);
  }
  return out;
}

}  // namespace

// Pillow (since 13.0) runs the vertical pass first when both axes are resized and the height
// shrinks by more than twice as many pixels as the width does; otherwise horizontal first.
// A pass whose axis keeps its size is skipped (here: a copy of the window).
std::vector<std::uint8_t> resampleWindow(const std::uint8_t* rgba, std::int64_t width, std::int64_t height,
                                         std::array<std::int64_t, 2> outSize, std::array<std::int64_t, 2> rows,
                                         std::array<std::int64_t, 2> cols, Interpolation interpolation) {
  const bool resizeH = outSize[1] != width, resizeV = outSize[0] != height;
  const Coeffs cx = resizeH ? coefficients(width, outSize[1], interpolation) : Coeffs{};
  const Coeffs cy = resizeV ? coefficients(height, outSize[0], interpolation) : Coeffs{};
  const Coeffs* px = resizeH ? &cx : nullptr;
  const Coeffs* py = resizeV ? &cy : nullptr;
  const Pixels input{rgba, width * 4, 4, 0, 0};
  const std::int64_t shrinkV = height - outSize[0], shrinkH = width - outSize[1];
  if (resizeH && resizeV && shrinkV > 0 && shrinkV > 2 * shrinkH) {
    const auto inCols = inputSpan(px, cols);
    const std::vector<std::uint8_t> mid = verticalPass<4>(input, py, rows, inCols);
    return horizontalPass<3>(Pixels{mid.data(), (inCols[1] - inCols[0]) * 3, 3, rows[0], inCols[0]}, px, rows, cols);
  }
  const auto inRows = inputSpan(py, rows);
  const std::vector<std::uint8_t> mid = horizontalPass<4>(input, px, inRows, cols);
  return verticalPass<3>(Pixels{mid.data(), (cols[1] - cols[0]) * 3, 3, inRows[0], cols[0]}, py, rows, cols);
}

}  // namespace weft
