// Preprocessing against torchvision (Resize(antialias) -> CenterCrop -> ToTensor -> Normalize on
// PIL images), from fixtures the Python toolkit writes with torchvision itself
// (build/models/fixtures/classifier, tests/fixtures_py/weft_fixtures/classifier.py); resizing
// against Pillow's Image.resize and padded layouts against NumPy/Pillow implementations
// (build/models/fixtures/image, tests/fixtures_py/weft_fixtures/image_refs.py).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "json_util.h"
#include "weft/error.h"
#include "weft/image.h"

namespace {

const std::string kFixtures = std::string(WEFT_SOURCE_DIR) + "/build/models/fixtures/";

std::vector<char> readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing fixture " << path << " (run scripts/setup.sh)");
  return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

// The reference of one case: a float32 tensor ("tensor"), or Pillow's uint8 RGB resize ("rgb",
// height x width x 3) as the [3, H, W] tensor ToTensor makes of it (mean 0, std 1).
std::vector<float> expected(const std::string& dir, const weft::Json& c) {
  if (c.contains("tensor")) {
    const std::vector<char> raw = readFile(dir + c["tensor"].get<std::string>());
    std::vector<float> want(raw.size() / 4);
    std::memcpy(want.data(), raw.data(), raw.size());
    return want;
  }
  const std::vector<char> rgb = readFile(dir + c["rgb"].get<std::string>());
  const std::size_t plane = rgb.size() / 3;
  std::vector<float> want(rgb.size());
  for (std::size_t i = 0; i < plane; ++i)
    for (std::size_t ch = 0; ch < 3; ++ch) want[ch * plane + i] = static_cast<unsigned char>(rgb[i * 3 + ch]) / 255.0f;
  return want;
}

struct Tally {
  std::size_t cases = 0, values = 0, exact = 0;
  double worst = 0;
};

// Runs every case of an index (see tests/fixtures_py/weft_fixtures/image_refs.py, classifier.py).
Tally runCases(const std::string& dir, const std::string& index) {
  const std::vector<char> text = readFile(dir + index);
  const weft::Json cases = weft::json_util::parse(std::string(text.begin(), text.end()), index);
  Tally t;
  for (const auto& c : cases) {
    const weft::ImageSpec spec = weft::ImageSpec::parse(c["preprocess"], "preprocess");
    const std::vector<char> rgba = readFile(dir + c["rgba"].get<std::string>());
    const std::vector<float> want = expected(dir, c);
    std::vector<float> got;
    weft::preprocessRgba(reinterpret_cast<const std::uint8_t*>(rgba.data()), c["width"], c["height"], spec, got);
    REQUIRE_MESSAGE(got.size() == want.size(), c.dump());
    std::size_t exact = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
      t.worst = std::max(t.worst, d);
      exact += d == 0;
    }
    CHECK_MESSAGE(exact == got.size(), c.dump() << ": " << got.size() - exact << " values differ");
    t.values += got.size(), t.exact += exact, ++t.cases;
  }
  MESSAGE(index << ": " << t.cases << " cases, " << t.exact << "/" << t.values << " values bit-exact, max abs diff " << t.worst);
  return t;
}

}  // namespace

TEST_CASE("image preprocessing equals torchvision on PIL images (bilinear, bicubic, crop, padding)") {
  // Stated tolerance: bit-exact (the uint8 resample reproduces Pillow's fixed-point arithmetic).
  const Tally t = runCases(kFixtures + "classifier/", "preprocess.json");
  CHECK(t.cases >= 20);
  CHECK(t.worst == 0.0);
}

TEST_CASE("resize equals Pillow's one-call Image.resize on every size pair of the grid, both filters") {
  // Up in one axis and down in the other, identity on one axis, both down on either side of
  // Pillow's pass-order rule: every uint8 level equal.
  const Tally t = runCases(kFixtures + "image/", "resize.json");
  CHECK(t.cases >= 400);
  CHECK(t.worst == 0.0);
}

TEST_CASE("aspect-preserving resize with padding equals PaddleOCR's cls preprocessing and a letterbox") {
  // References computed in NumPy/Pillow, independently of the core (image_refs.py).
  const Tally t = runCases(kFixtures + "image/", "padded.json");
  CHECK(t.cases >= 12);
  CHECK(t.worst == 0.0);
}

TEST_CASE("image preprocessing refuses empty and oversized images before allocating, and bad preprocess objects") {
  const weft::ImageSpec spec = weft::ImageSpec::parse(
      weft::Json::parse(R"({"resize": 256, "crop": 224, "mean": [0.5,0.5,0.5], "std": [0.5,0.5,0.5]})"), "p");
  CHECK_THROWS_WITH_AS(spec.checkInput(0, 10), doctest::Contains("no pixels"), weft::Error);
  CHECK_THROWS_WITH_AS(spec.checkInput(10000, 10000), doctest::Contains("more than the limit of 40000000 pixels"), weft::Error);
  CHECK_NOTHROW(spec.checkInput(4000, 3000));
  CHECK_THROWS_WITH_AS(weft::ImageSpec::parse(weft::Json::parse(R"({"resize": 256, "interpolation": "lanczos"})"), "p"),
                       doctest::Contains("'lanczos' is not supported"), weft::Error);
  CHECK_THROWS_WITH_AS(weft::ImageSpec::parse(weft::Json::parse(R"({"crop": 224, "std": [1, 0, 1]})"), "p"),
                       doctest::Contains("std must be > 0"), weft::Error);
  const auto refusal = [](const char* json) { return weft::ImageSpec::parse(weft::Json::parse(json), "p"); };
  CHECK_THROWS_WITH_AS(refusal(R"({"resize": {"mode": "stretch", "height": 4, "width": 4, "rounding": "ceil"}})"),
                       "weft: weft.json: p.resize.mode: expected one of fit, height but got 'stretch'", weft::Error);
  CHECK_THROWS_WITH_AS(refusal(R"({"resize": {"mode": "fit", "height": 48, "width": 192, "rounding": "ceil"}, "pad": {"size": [48, 100]}})"),
                       "weft: weft.json: p.pad.size: 48x100 is smaller than the resized image (up to 48x192): pad only adds pixels around it",
                       weft::Error);
  CHECK_THROWS_WITH_AS(refusal(R"({"resize": {"mode": "height", "height": 48, "rounding": "ceil"}, "pad": {"size": [48, 192]}})"),
                       doctest::Contains("p.pad: needs a resize that bounds the image"), weft::Error);
  CHECK_THROWS_WITH_AS(refusal(R"({"resize": [8, 8], "crop": 8, "pad": {"size": 8}})"),
                       doctest::Contains("p.pad: pad and crop exclude each other"), weft::Error);
  CHECK_THROWS_WITH_AS(refusal(R"({"resize": [8, 8], "pad": {"size": 8, "value": 0, "normalized_value": 0}})"),
                       doctest::Contains("p.pad.normalized_value: give value"), weft::Error);
}

TEST_CASE("aspect-preserving sizes: the rounding rule, the limits, where the image lands") {
  const auto spec = [](const char* json) { return weft::ImageSpec::parse(weft::Json::parse(json), "p"); };
  const weft::ImageSpec ocr = spec(R"({"resize": {"mode": "height", "height": 48, "max_width": 192, "rounding": "ceil"},
                                       "pad": {"size": [48, 192]}})");
  CHECK(ocr.resizedSize(32, 100) == std::array<std::int64_t, 2>{48, 150});  // 48 * 3.125
  CHECK(ocr.resizedSize(31, 97) == std::array<std::int64_t, 2>{48, 151});   // ceil(150.19)
  CHECK(ocr.resizedSize(40, 300) == std::array<std::int64_t, 2>{48, 192});  // squeezed to max_width
  CHECK(ocr.outputSize(40, 300) == std::array<std::int64_t, 2>{48, 192});
  CHECK(ocr.fixedOutputSize() == std::array<std::int64_t, 2>{48, 192});
  const weft::ImageSpec box = spec(R"({"resize": {"mode": "fit", "height": 64, "width": 80, "rounding": "half_even"},
                                       "pad": {"size": [64, 80], "position": "center"}})");
  CHECK(box.resizedSize(60, 100) == std::array<std::int64_t, 2>{48, 80});
  const weft::Placement p = box.place(48, 80);
  CHECK((p.height == 64 && p.width == 80 && p.top == -8 && p.left == 0));
  CHECK(box.place(47, 80).top == -8);  // 17 rows of padding: 8 above, 9 below
  const weft::ImageSpec line = spec(R"({"resize": {"mode": "height", "height": 48, "rounding": "floor"}})");
  CHECK(line.resizedSize(10, 1000) == std::array<std::int64_t, 2>{48, 4800});
  CHECK(line.fixedOutputSize() == std::array<std::int64_t, 2>{48, -1});
  CHECK_THROWS_WITH_AS(line.resizedSize(1, 4000), doctest::Contains("it would be 192000 pixels wide, more than 16384"), weft::Error);
}
