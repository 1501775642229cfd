#include "weft/image.h"

#include <algorithm>
#include <cmath>

#include "json_util.h"
#include "weft/error.h"

namespace weft {
namespace {

namespace ju = json_util;
const char* const kP = "weft.json: ";

// Pillow's filters (libImaging/Resample.c): triangle with support 1, Keys cubic (a = -0.5)
// with support 2. Both are widened by the downscale factor, which is what antialiasing means.
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
  std::vector<int> bounds;     // per output: first input index, count
  std::vector<std::int32_t> k; // outSize * ksize fixed-point weights
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

std::array<std::int64_t, 2> pair(const Json& v, const std::string& path) {
  if (v.is_array()) {
    if (v.size() != 2) ju::fail(kP, path, "expected [height, width]");
    return {ju::asInt(v[0], kP, ju::index(path, 0)), ju::asInt(v[1], kP, ju::index(path, 1))};
  }
  const std::int64_t n = ju::asInt(v, kP, path);
  return {n, n};
}

std::array<float, 3> triple(const Json& v, const std::string& path) {
  ju::expectArray(v, kP, path);
  if (v.size() != 3) ju::fail(kP, path, "expected 3 values (R, G, B)");
  std::array<float, 3> out{};
  for (std::size_t i = 0; i < 3; ++i) out[i] = static_cast<float>(ju::asNumber(v[i], kP, ju::index(path, i)));
  return out;
}

// Python's round() (half to even), which torchvision's center_crop uses for its offsets.
std::int64_t roundHalfEven(std::int64_t twice) {  // rounds twice / 2
  const std::int64_t q = twice >= 0 ? twice / 2 : -((-twice + 1) / 2);
  return (twice % 2 != 0 && (q % 2 != 0)) ? q + 1 : q;
}

}  // namespace

ImageSpec ImageSpec::parse(const Json& j, const std::string& path) {
  ju::expectObject(j, kP, path);
  ImageSpec s;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string p = ju::key(path, it.key());
    const std::string& k = it.key();
    if (k == "resize") {
      s.resizeShorter = !it.value().is_array();
      s.resize = pair(it.value(), p);
    } else if (k == "crop") {
      s.crop = pair(it.value(), p);
    } else if (k == "mean") {
      s.mean = triple(it.value(), p);
    } else if (k == "std") {
      s.std = triple(it.value(), p);
      for (float v : s.std)
        if (!(v > 0)) ju::fail(kP, p, "every std must be > 0");
    } else if (k == "interpolation") {
      const std::string v = ju::asString(it.value(), kP, p);
      if (v == "bilinear") s.interpolation = Interpolation::Bilinear;
      else if (v == "bicubic") s.interpolation = Interpolation::Bicubic;
      else ju::fail(kP, p, "'" + v + "' is not supported (bilinear, bicubic)");
    } else if (k == "max_pixels") {
      s.maxPixels = ju::asInt(it.value(), kP, p);
      if (s.maxPixels <= 0) ju::fail(kP, p, "must be > 0");
    } else {
      ju::fail(kP, p, "unknown key (resize, crop, mean, std, interpolation, max_pixels)");
    }
  }
  for (std::int64_t v : {s.resize[0], s.resize[1], s.crop[0], s.crop[1]})
    if (v < 0 || v > 16384) ju::fail(kP, path, "resize and crop sizes must be in [0, 16384]");
  if (s.resize[0] == 0 && s.crop[0] == 0) ju::fail(kP, path, "needs a resize or a crop (the model's input size)");
  return s;
}

std::array<std::int64_t, 2> ImageSpec::outputSize(std::int64_t h, std::int64_t w) const {
  if (crop[0] > 0) return crop;
  if (resize[0] == 0) return {h, w};
  if (!resizeShorter) return resize;
  // torchvision: the shorter side becomes `size`, the longer int(size * long / short).
  if (w <= h) return {static_cast<std::int64_t>(static_cast<double>(resize[0]) * h / w), resize[0]};
  return {resize[0], static_cast<std::int64_t>(static_cast<double>(resize[0]) * w / h)};
}

void ImageSpec::checkInput(std::int64_t width, std::int64_t height) const {
  const std::string dims = std::to_string(width) + "x" + std::to_string(height);
  if (width <= 0 || height <= 0) throw Error("image is " + dims + ": it has no pixels to classify");
  if (width > maxPixels / height)
    throw Error("image is " + dims + " (" + std::to_string(width * height) + " pixels), more than the limit of " +
                std::to_string(maxPixels) + " pixels; downscale it first (e.g. createImageBitmap(image, {resizeWidth}))");
}

namespace {

// Rows [first, last) of a Pillow resample pass that the wanted outputs [o0, o1) read.
std::array<std::int64_t, 2> inputSpan(const Coeffs& c, std::int64_t o0, std::int64_t o1) {
  std::int64_t first = c.bounds[o0 * 2], last = first;
  for (std::int64_t o = o0; o < o1; ++o) {
    first = std::min<std::int64_t>(first, c.bounds[o * 2]);
    last = std::max<std::int64_t>(last, c.bounds[o * 2] + c.bounds[o * 2 + 1]);
  }
  return {first, last};
}

// (height, width) after the Resize step; the input's own size when there is none.
std::array<std::int64_t, 2> resizedSize(const ImageSpec& spec, std::int64_t width, std::int64_t height) {
  if (spec.resize[0] <= 0) return {height, width};
  std::array<std::int64_t, 2> rs = spec.resize;
  if (spec.resizeShorter) {
    ImageSpec noCrop = spec;
    noCrop.crop = {0, 0};
    rs = noCrop.outputSize(height, width);
  }
  if (rs[0] <= 0 || rs[1] <= 0) throw Error("image is " + std::to_string(width) + "x" + std::to_string(height) + ": too thin to resize");
  return rs;
}

// The crop window in the resized image: its size, and its top-left corner (negative where the
// image is padded).
struct CropWindow {
  std::int64_t ch, cw, top, left;
};

// torchvision center_crop: zero-pad a too-small image (left/top get the floor half), then
// take the window at round((size - crop) / 2), Python's round.
CropWindow centerCrop(const ImageSpec& spec, std::int64_t h, std::int64_t w) {
  if (spec.crop[0] <= 0) return {h, w, 0, 0};
  const std::int64_t ch = spec.crop[0], cw = spec.crop[1];
  const std::int64_t padT = ch > h ? (ch - h) / 2 : 0, padL = cw > w ? (cw - w) / 2 : 0;
  const std::int64_t ph = h + (ch > h ? ch - h : 0), pw = w + (cw > w ? cw - w : 0);
  return {ch, cw, roundHalfEven(ph - ch) - padT, roundHalfEven(pw - cw) - padL};
}

// ToTensor (v / 255) then Normalize ((t - mean) / std), in float32 like torchvision.
float normalized(const ImageSpec& spec, int c, std::uint8_t v) {
  return (static_cast<float>(v) / 255.0f - spec.mean[c]) / spec.std[c];
}

// Pillow's horizontal pass (cx; null: no horizontal resize, the bytes are copied) over the input
// rows [rows[0], rows[1]), for output columns [x0, x1) only: packed RGB, alpha read past.
std::vector<std::uint8_t> horizontalPass(const std::uint8_t* rgba, std::int64_t width, const Coeffs* cx,
                                         std::array<std::int64_t, 2> rows, std::int64_t x0, std::int64_t x1) {
  const std::int64_t nx = x1 - x0;
  std::vector<std::uint8_t> mid(static_cast<std::size_t>((rows[1] - rows[0]) * nx * 3));
  for (std::int64_t r = rows[0]; r < rows[1]; ++r) {
    const std::uint8_t* in = rgba + r * width * 4;
    std::uint8_t* o = &mid[static_cast<std::size_t>((r - rows[0]) * nx * 3)];
    for (std::int64_t x = x0; x < x1; ++x, o += 3) {
      if (!cx) {
        o[0] = in[x * 4], o[1] = in[x * 4 + 1], o[2] = in[x * 4 + 2];
        continue;
      }
      const int xmin = cx->bounds[x * 2], n = cx->bounds[x * 2 + 1];
      const std::int32_t* k = &cx->k[x * cx->ksize];
      const std::uint8_t* px = in + xmin * 4;
      std::int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
      for (int i = 0; i < n; ++i, px += 4) {
        s0 += px[0] * k[i];
        s1 += px[1] * k[i];
        s2 += px[2] * k[i];
      }
      o[0] = clip8(s0), o[1] = clip8(s1), o[2] = clip8(s2);
    }
  }
  return mid;
}

// Pillow's vertical pass for output row y, over the rows of `mid` (the first is input row
// firstRow), each nx RGB pixels wide; `acc` is scratch of row's size.
void verticalRow(const std::vector<std::uint8_t>& mid, std::int64_t firstRow, std::int64_t nx, const Coeffs& cy,
                 std::int64_t y, std::vector<std::int32_t>& acc, std::vector<std::uint8_t>& row) {
  const int ymin = cy.bounds[y * 2], n = cy.bounds[y * 2 + 1];
  const std::int32_t* k = &cy.k[y * cy.ksize];
  std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
  for (int i = 0; i < n; ++i) {
    const std::uint8_t* in = &mid[static_cast<std::size_t>((ymin + i - firstRow) * nx * 3)];
    for (std::int64_t j = 0; j < nx * 3; ++j) acc[j] += in[j] * k[i];
  }
  for (std::int64_t j = 0; j < nx * 3; ++j) row[j] = clip8(acc[j]);
}

}  // namespace

// Pillow's two passes (horizontal, then vertical; each rounded to uint8 with int32 fixed-point
// sums, as libImaging/Resample.c), computed only for the pixels the crop keeps: every output
// pixel depends only on its own taps, so skipping the others changes no value. Alpha is read
// past, never copied; the crop and Normalize are fused into the vertical pass.
void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    float* out) {
  spec.checkInput(width, height);
  const std::array<std::int64_t, 2> size = resizedSize(spec, width, height);
  const std::int64_t h = size[0], w = size[1];
  const CropWindow win = centerCrop(spec, h, w);
  const std::int64_t ch = win.ch, cw = win.cw, top = win.top, left = win.left;
  // Padding is v = 0 after ToTensor, normalized like any pixel.
  for (int c = 0; c < 3; ++c) std::fill(out + c * ch * cw, out + (c + 1) * ch * cw, (0.0f - spec.mean[c]) / spec.std[c]);
  const std::int64_t y0 = std::max<std::int64_t>(top, 0), y1 = std::min(top + ch, h);
  const std::int64_t x0 = std::max<std::int64_t>(left, 0), x1 = std::min(left + cw, w);
  if (y0 >= y1 || x0 >= x1) return;
  const std::int64_t nx = x1 - x0;

  const bool resizeH = w != width, resizeV = h != height;
  const Coeffs cx = resizeH ? coefficients(width, w, spec.interpolation) : Coeffs{};
  const Coeffs cy = resizeV ? coefficients(height, h, spec.interpolation) : Coeffs{};
  const auto rows = resizeV ? inputSpan(cy, y0, y1) : std::array<std::int64_t, 2>{y0, y1};
  const std::vector<std::uint8_t> mid = horizontalPass(rgba, width, resizeH ? &cx : nullptr, rows, x0, x1);
  // Vertical pass, then crop and normalize into the planes.
  std::vector<std::int32_t> acc(static_cast<std::size_t>(nx * 3));
  std::vector<std::uint8_t> row(static_cast<std::size_t>(nx * 3));
  for (std::int64_t y = y0; y < y1; ++y) {
    // Indexed only when y is a row of `mid`: with a vertical resize, y counts output rows.
    const std::uint8_t* src = resizeV ? row.data() : &mid[static_cast<std::size_t>((y - rows[0]) * nx * 3)];
    if (resizeV) verticalRow(mid, rows[0], nx, cy, y, acc, row);
    for (int c = 0; c < 3; ++c) {
      float* plane = out + c * ch * cw + (y - top) * cw + (x0 - left);
      for (std::int64_t x = 0; x < nx; ++x) plane[x] = normalized(spec, c, src[x * 3 + c]);
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
