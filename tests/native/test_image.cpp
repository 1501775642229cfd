// Preprocessing against torchvision (Resize(antialias) -> CenterCrop -> ToTensor -> Normalize on
// PIL images), from fixtures the Python toolkit writes with torchvision itself
// (build/models/fixtures/classifier, tests/fixtures_py/weft_fixtures/classifier.py).
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

const std::string kDir = std::string(WEFT_SOURCE_DIR) + "/build/models/fixtures/classifier/";

std::vector<char> readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing fixture " << path << " (run scripts/setup.sh)");
  return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("image preprocessing equals torchvision on PIL images (bilinear, bicubic, crop, padding)") {
  const std::vector<char> index = readFile(kDir + "preprocess.json");
  const weft::Json cases = weft::json_util::parse(std::string(index.begin(), index.end()), "preprocess.json");
  REQUIRE(cases.size() >= 20);
  std::size_t values = 0, exact = 0;
  double worst = 0;
  for (const auto& c : cases) {
    const weft::ImageSpec spec = weft::ImageSpec::parse(c["preprocess"], "preprocess");
    const std::vector<char> rgba = readFile(kDir + c["rgba"].get<std::string>());
    const std::vector<char> raw = readFile(kDir + c["tensor"].get<std::string>());
    std::vector<float> want(raw.size() / 4), got;
    std::memcpy(want.data(), raw.data(), raw.size());
    weft::preprocessRgba(reinterpret_cast<const std::uint8_t*>(rgba.data()), c["width"], c["height"], spec, got);
    REQUIRE_MESSAGE(got.size() == want.size(), c["tensor"]);
    for (std::size_t i = 0; i < got.size(); ++i) {
      const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
      worst = std::max(worst, d);
      exact += d == 0;
    }
    values += got.size();
  }
  MESSAGE("preprocessing: " << exact << "/" << values << " values bit-exact, max abs diff " << worst);
  // Stated tolerance: bit-exact (the uint8 resample reproduces Pillow's fixed-point arithmetic).
  CHECK(worst == 0.0);
  CHECK(exact == values);
}

TEST_CASE("image preprocessing refuses empty and oversized images before allocating") {
  const weft::ImageSpec spec = weft::ImageSpec::parse(
      weft::Json::parse(R"({"resize": 256, "crop": 224, "mean": [0.5,0.5,0.5], "std": [0.5,0.5,0.5]})"), "p");
  CHECK_THROWS_WITH_AS(spec.checkInput(0, 10), doctest::Contains("no pixels"), weft::Error);
  CHECK_THROWS_WITH_AS(spec.checkInput(10000, 10000), doctest::Contains("more than the limit of 40000000 pixels"), weft::Error);
  CHECK_NOTHROW(spec.checkInput(4000, 3000));
  CHECK_THROWS_WITH_AS(weft::ImageSpec::parse(weft::Json::parse(R"({"resize": 256, "interpolation": "lanczos"})"), "p"),
                       doctest::Contains("'lanczos' is not supported"), weft::Error);
  CHECK_THROWS_WITH_AS(weft::ImageSpec::parse(weft::Json::parse(R"({"crop": 224, "std": [1, 0, 1]})"), "p"),
                       doctest::Contains("std must be > 0"), weft::Error);
}
