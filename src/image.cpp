#include "weft/image.h"

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

inline std::uint8_t clip8(std::int64_t v) {
  if (v >= (std::int64_t{1} << kPrecisionBits << 8)) return 255;
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

std::vector<std::uint8_t> resizeImage(const std::uint8_t* src, std::int64_t w, std::int64_t h, int ch,
                                      std::int64_t outW, std::int64_t outH, Interpolation interp) {
  std::vector<std::uint8_t> cur(src, src + w * h * ch);
  if (outW != w) {  // horizontal pass (Pillow does it first)
    const Coeffs c = coefficients(w, outW, interp);
    std::vector<std::uint8_t> next(static_cast<std::size_t>(outW * h * ch));
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t x = 0; x < outW; ++x) {
        const int xmin = c.bounds[x * 2], n = c.bounds[x * 2 + 1];
        const std::int32_t* k = &c.k[x * c.ksize];
        for (int chn = 0; chn < ch; ++chn) {
          std::int64_t ss = std::int64_t{1} << (kPrecisionBits - 1);
          const std::uint8_t* row = &cur[(y * w + xmin) * ch + chn];
          for (int i = 0; i < n; ++i) ss += static_cast<std::int64_t>(row[i * ch]) * k[i];
          next[(y * outW + x) * ch + chn] = clip8(ss);
        }
      }
    cur.swap(next);
    w = outW;
  }
  if (outH != h) {  // vertical pass
    const Coeffs c = coefficients(h, outH, interp);
    std::vector<std::uint8_t> next(static_cast<std::size_t>(w * outH * ch));
    for (std::int64_t y = 0; y < outH; ++y) {
      const int ymin = c.bounds[y * 2], n = c.bounds[y * 2 + 1];
      const std::int32_t* k = &c.k[y * c.ksize];
      for (std::int64_t x = 0; x < w * ch; ++x) {
        std::int64_t ss = std::int64_t{1} << (kPrecisionBits - 1);
        for (int i = 0; i < n; ++i) ss += static_cast<std::int64_t>(cur[(ymin + i) * w * ch + x]) * k[i];
        next[y * w * ch + x] = clip8(ss);
      }
    }
    cur.swap(next);
  }
  return cur;
}

void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    std::vector<float>& out) {
  spec.checkInput(width, height);
  // RGB first: resampling 3 channels instead of 4, and alpha is ignored like PIL's convert('RGB').
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width * height * 3));
  for (std::int64_t i = 0; i < width * height; ++i)
    for (int c = 0; c < 3; ++c) rgb[i * 3 + c] = rgba[i * 4 + c];
  std::int64_t w = width, h = height;
  if (spec.resize[0] > 0) {
    std::array<std::int64_t, 2> rs = spec.resize;
    if (spec.resizeShorter) {
      ImageSpec noCrop = spec;
      noCrop.crop = {0, 0};
      rs = noCrop.outputSize(h, w);
    }
    if (rs[0] <= 0 || rs[1] <= 0) throw Error("image is " + std::to_string(width) + "x" + std::to_string(height) + ": too thin to resize");
    if (rs[0] != h || rs[1] != w) rgb = resizeImage(rgb.data(), w, h, 3, rs[1], rs[0], spec.interpolation);
    h = rs[0];
    w = rs[1];
  }
  // torchvision center_crop: zero-pad a too-small image (left/top get the floor half), then
  // take the window at round((size - crop) / 2), Python's round.
  std::int64_t ch = h, cw = w, top = 0, left = 0;
  if (spec.crop[0] > 0) {
    ch = spec.crop[0];
    cw = spec.crop[1];
    const std::int64_t padT = ch > h ? (ch - h) / 2 : 0, padL = cw > w ? (cw - w) / 2 : 0;
    const std::int64_t ph = h + (ch > h ? ch - h : 0), pw = w + (cw > w ? cw - w : 0);
    top = roundHalfEven(ph - ch) - padT;
    left = roundHalfEven(pw - cw) - padL;
  }
  out.assign(static_cast<std::size_t>(3 * ch * cw), 0.f);
  for (int c = 0; c < 3; ++c) {
    float* plane = out.data() + c * ch * cw;
    for (std::int64_t y = 0; y < ch; ++y)
      for (std::int64_t x = 0; x < cw; ++x) {
        const std::int64_t sy = y + top, sx = x + left;
        // ToTensor (v / 255) then Normalize ((t - mean) / std), in float32 like torchvision.
        const float v = (sy >= 0 && sy < h && sx >= 0 && sx < w) ? static_cast<float>(rgb[(sy * w + sx) * 3 + c]) / 255.0f : 0.0f;
        plane[y * cw + x] = (v - spec.mean[c]) / spec.std[c];
      }
  }
}

}  // namespace weft
