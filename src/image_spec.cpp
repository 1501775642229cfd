// ImageSpec: generator.preprocess parsed and checked, and the geometry it gives (resized size,
// output size, where the image lands in the output).
#include <algorithm>
#include <cmath>

#include "json_util.h"
#include "weft/error.h"
#include "weft/image.h"

namespace weft {
namespace {

namespace ju = json_util;
const char* const kP = "weft.json: ";
constexpr std::int64_t kMaxSide = 16384;

std::int64_t side(const Json& v, const std::string& path, std::int64_t min) {
  const std::int64_t n = ju::asInt(v, kP, path);
  if (n < min || n > kMaxSide) ju::fail(kP, path, "must be in [" + std::to_string(min) + ", 16384] but is " + std::to_string(n));
  return n;
}

// An integer (a square) or [height, width].
std::array<std::int64_t, 2> pair(const Json& v, const std::string& path, std::int64_t min) {
  if (!v.is_array()) {
    const std::int64_t n = side(v, path, min);
    return {n, n};
  }
  if (v.size() != 2) ju::fail(kP, path, "expected [height, width]");
  return {side(v[0], ju::index(path, 0), min), side(v[1], ju::index(path, 1), min)};
}

// Three numbers, one per tensor channel; `scalar`: one number stands for all three.
std::array<float, 3> triple(const Json& v, const std::string& path, bool scalar = false) {
  if (scalar && v.is_number()) {
    const float x = static_cast<float>(ju::asNumber(v, kP, path));
    return {x, x, x};
  }
  ju::expectArray(v, kP, path);
  if (v.size() != 3) ju::fail(kP, path, "expected 3 values (one per channel)");
  std::array<float, 3> out{};
  for (std::size_t i = 0; i < 3; ++i) out[i] = static_cast<float>(ju::asNumber(v[i], kP, ju::index(path, i)));
  return out;
}

template <class T>
T oneOf(const Json& v, const std::string& path, std::initializer_list<std::pair<const char*, T>> values) {
  const std::string s = ju::asString(v, kP, path);
  std::string names;
  for (const auto& [name, value] : values) {
    if (s == name) return value;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  ju::fail(kP, path, "expected one of " + names + " but got '" + s + "'");
}

// {"mode": "fit", "height", "width", "rounding"} or {"mode": "height", "height", "max_width", "rounding"}.
void parseResizeMode(const Json& v, const std::string& path, ImageSpec& s) {
  ju::expectObject(v, kP, path);
  s.resizeMode = oneOf<ResizeMode>(ju::require(v, "mode", kP, path), ju::key(path, "mode"),
                                   {{"fit", ResizeMode::Fit}, {"height", ResizeMode::Height}});
  const bool fit = s.resizeMode == ResizeMode::Fit;
  const char* known = fit ? "mode, height, width, rounding" : "mode, height, max_width, rounding";
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string p = ju::key(path, it.key());
    const std::string& k = it.key();
    if (k == "height") s.resize[0] = side(it.value(), p, 1);
    else if (k == (fit ? "width" : "max_width")) s.resize[1] = side(it.value(), p, 1);
    else if (k == "rounding")
      s.rounding = oneOf<Rounding>(it.value(), p, {{"half_even", Rounding::HalfEven}, {"ceil", Rounding::Ceil}, {"floor", Rounding::Floor}});
    else if (k != "mode") ju::fail(kP, p, std::string("unknown key for mode ") + (fit ? "fit" : "height") + " (" + known + ")");
  }
  ju::require(v, "height", kP, path);
  if (fit) ju::require(v, "width", kP, path);
  ju::require(v, "rounding", kP, path);  // pipelines differ (letterbox: half_even, PaddleOCR: ceil)
}

void parseResize(const Json& v, const std::string& path, ImageSpec& s) {
  if (v.is_object()) return parseResizeMode(v, path, s);
  s.resize = pair(v, path, 0);
  s.resizeMode = s.resize[0] == 0 ? ResizeMode::None : v.is_array() ? ResizeMode::Exact : ResizeMode::Shorter;
}

std::array<float, 3> normalize(const ImageSpec& s, std::array<float, 3> pixel) {
  std::array<float, 3> out{};
  for (int c = 0; c < 3; ++c) out[c] = (pixel[c] / 255.0f - s.mean[c]) / s.std[c];
  return out;
}

// {"size", "position", "value" | "normalized_value"}; after mean and std (the fill needs them).
void parsePad(const Json& v, const std::string& path, ImageSpec& s) {
  ju::expectObject(v, kP, path);
  std::array<float, 3> pixel{0.f, 0.f, 0.f};
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string p = ju::key(path, it.key());
    const std::string& k = it.key();
    if (k == "size") {
      s.pad = pair(it.value(), p, 1);
    } else if (k == "position") {
      s.padPosition = oneOf<PadPosition>(it.value(), p, {{"top-left", PadPosition::TopLeft}, {"center", PadPosition::Center}});
    } else if (k == "value") {
      pixel = triple(it.value(), p, true);
      for (float x : pixel)
        if (!(x >= 0.f && x <= 255.f)) ju::fail(kP, p, "a pixel value is in [0, 255] (normalized_value gives the tensor's value)");
    } else if (k == "normalized_value") {
      if (v.contains("value")) ju::fail(kP, p, "give value (a pixel value) or normalized_value (the tensor's value), not both");
    } else {
      ju::fail(kP, p, "unknown key (size, position, value, normalized_value)");
    }
  }
  ju::require(v, "size", kP, path);
  s.fill = v.contains("normalized_value") ? triple(v["normalized_value"], ju::key(path, "normalized_value"), true) : normalize(s, pixel);
}

// The largest resized (height, width) any input gives; -1 on an axis with no bound.
std::array<std::int64_t, 2> resizeBound(const ImageSpec& s) {
  switch (s.resizeMode) {
    case ResizeMode::Exact:
    case ResizeMode::Fit: return s.resize;
    case ResizeMode::Height: return {s.resize[0], s.resize[1] > 0 ? s.resize[1] : -1};
    default: return {-1, -1};
  }
}

void checkLayout(const ImageSpec& s, const std::string& path) {
  if (s.resizeMode == ResizeMode::None && s.crop[0] == 0) ju::fail(kP, path, "needs a resize or a crop (the model's input size)");
  if (s.pad[0] == 0) return;
  const std::string p = ju::key(path, "pad");
  if (s.crop[0] > 0) ju::fail(kP, p, "pad and crop exclude each other (a crop already pads a smaller image, centered, with zeros)");
  const auto bound = resizeBound(s);
  if (bound[0] < 0 || bound[1] < 0)
    ju::fail(kP, p, "needs a resize that bounds the image: [height, width], mode fit, or mode height with max_width");
  if (s.pad[0] < bound[0] || s.pad[1] < bound[1])
    ju::fail(kP, ju::key(p, "size"), std::to_string(s.pad[0]) + "x" + std::to_string(s.pad[1]) + " is smaller than the resized image (up to " +
                                         std::to_string(bound[0]) + "x" + std::to_string(bound[1]) + "): pad only adds pixels around it");
}

// Python's round() (half to even), which torchvision's center_crop uses for its offsets.
std::int64_t roundHalfEven(std::int64_t twice) {  // rounds twice / 2
  const std::int64_t q = twice >= 0 ? twice / 2 : -((-twice + 1) / 2);
  return (twice % 2 != 0 && (q % 2 != 0)) ? q + 1 : q;
}

// A side computed from the aspect ratio, rounded as the manifest says, in [1, limit] (limit 0: none).
std::int64_t computedSide(double exact, Rounding r, std::int64_t limit) {
  const double v = r == Rounding::Ceil ? std::ceil(exact) : r == Rounding::Floor ? std::floor(exact) : std::nearbyint(exact);
  const std::int64_t n = std::max<std::int64_t>(1, static_cast<std::int64_t>(v));
  return limit > 0 ? std::min(n, limit) : n;
}

}  // namespace

ImageSpec ImageSpec::parse(const Json& j, const std::string& path) {
  ju::expectObject(j, kP, path);
  ImageSpec s;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string p = ju::key(path, it.key());
    const std::string& k = it.key();
    if (k == "resize") {
      parseResize(it.value(), p, s);
    } else if (k == "crop") {
      s.crop = pair(it.value(), p, 0);
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
    } else if (k == "channels") {
      s.bgr = oneOf<bool>(it.value(), p, {{"rgb", false}, {"bgr", true}});
    } else if (k == "max_pixels") {
      s.maxPixels = ju::asInt(it.value(), kP, p);
      if (s.maxPixels <= 0) ju::fail(kP, p, "must be > 0");
    } else if (k != "pad") {
      ju::fail(kP, p, "unknown key (resize, crop, pad, channels, mean, std, interpolation, max_pixels)");
    }
  }
  s.fill = normalize(s, {0.f, 0.f, 0.f});  // crop padding: pixel value 0
  if (j.contains("pad")) parsePad(j["pad"], ju::key(path, "pad"), s);
  checkLayout(s, path);
  return s;
}

std::array<std::int64_t, 2> ImageSpec::resizedSize(std::int64_t h, std::int64_t w) const {
  std::array<std::int64_t, 2> rs{h, w};
  if (resizeMode == ResizeMode::Exact) {
    rs = resize;
  } else if (resizeMode == ResizeMode::Shorter) {  // torchvision: the longer side int(size * long / short)
    const auto longer = [&](std::int64_t l, std::int64_t s) { return static_cast<std::int64_t>(static_cast<double>(resize[0]) * l / s); };
    rs = w <= h ? std::array<std::int64_t, 2>{longer(h, w), resize[0]} : std::array<std::int64_t, 2>{resize[0], longer(w, h)};
  } else if (resizeMode == ResizeMode::Fit) {  // the scale and products as letterbox code computes them
    const double scale = std::min(static_cast<double>(resize[0]) / h, static_cast<double>(resize[1]) / w);
    rs = {computedSide(h * scale, rounding, resize[0]), computedSide(w * scale, rounding, resize[1])};
  } else if (resizeMode == ResizeMode::Height) {  // as PaddleOCR: height * (w / h)
    const double width = resize[0] * (static_cast<double>(w) / h);
    if (resize[1] == 0 && width > kMaxSide)  // no max_width: a very wide image must not allocate unbounded
      throw Error("image is " + std::to_string(w) + "x" + std::to_string(h) + ": resized to height " + std::to_string(resize[0]) +
                  " it would be " + std::to_string(static_cast<std::int64_t>(std::ceil(width))) + " pixels wide, more than 16384");
    rs = {resize[0], computedSide(width, rounding, resize[1])};
  }
  if (rs[0] <= 0 || rs[1] <= 0) throw Error("image is " + std::to_string(w) + "x" + std::to_string(h) + ": too thin to resize");
  return rs;
}

std::array<std::int64_t, 2> ImageSpec::outputSize(std::int64_t h, std::int64_t w) const {
  if (pad[0] > 0) return pad;
  if (crop[0] > 0) return crop;
  return resizedSize(h, w);
}

std::array<std::int64_t, 2> ImageSpec::fixedOutputSize() const {
  if (pad[0] > 0) return pad;
  if (crop[0] > 0) return crop;
  if (resizeMode == ResizeMode::Exact) return resize;
  if (resizeMode == ResizeMode::Height) return {resize[0], -1};
  return {-1, -1};
}

Placement ImageSpec::place(std::int64_t h, std::int64_t w) const {
  if (pad[0] > 0) {
    if (padPosition == PadPosition::TopLeft) return {pad[0], pad[1], 0, 0};
    return {pad[0], pad[1], -((pad[0] - h) / 2), -((pad[1] - w) / 2)};  // the floor half above and left
  }
  if (crop[0] <= 0) return {h, w, 0, 0};
  // torchvision center_crop: zero-pad a too-small image (left/top get the floor half), then
  // take the window at round((size - crop) / 2), Python's round.
  const std::int64_t ch = crop[0], cw = crop[1];
  const std::int64_t padT = ch > h ? (ch - h) / 2 : 0, padL = cw > w ? (cw - w) / 2 : 0;
  const std::int64_t ph = h + (ch > h ? ch - h : 0), pw = w + (cw > w ? cw - w : 0);
  return {ch, cw, roundHalfEven(ph - ch) - padT, roundHalfEven(pw - cw) - padL};
}

void ImageSpec::checkInput(std::int64_t width, std::int64_t height) const {
  const std::string dims = std::to_string(width) + "x" + std::to_string(height);
  if (width <= 0 || height <= 0) throw Error("image is " + dims + ": it has no pixels to classify");
  if (width > maxPixels / height)
    throw Error("image is " + dims + " (" + std::to_string(width * height) + " pixels), more than the limit of " +
                std::to_string(maxPixels) + " pixels; downscale it first (e.g. createImageBitmap(image, {resizeWidth}))");
}

}  // namespace weft
