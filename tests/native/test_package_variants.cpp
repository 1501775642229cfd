#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/manifest.h"
#include "weft/package_variants.h"

namespace {

const std::string kIndex = R"({"format": "weft/1", "name": "m", "variants": [
  {"folder": "fp16", "precision": "fp16", "backends": ["webgpu"], "bytes": 10},
  {"folder": "int8", "precision": "int8", "backends": ["wasm", "cpu"], "bytes": 20},
  {"folder": "fp32", "precision": "fp32", "backends": ["webgpu", "wasm", "cpu"], "bytes": 40}]})";

nlohmann::json choose(const std::string& text, const std::vector<std::string>& candidates, const std::string& precision = "") {
  return nlohmann::json::parse(weft::choosePackage(text, weft::Budgets(), candidates, precision));
}

// The toy decoder manifest with `extra` added at its top level.
std::string toyWith(const std::string& extra) {
  std::string s = fixtures::decoderManifest();
  return s.replace(s.find('{'), 1, "{" + extra + ",");
}

}  // namespace

TEST_CASE("an index: the first variant for the first candidate backend, or the precision forced") {
  const weft::PackageIndex index = weft::PackageIndex::parse(kIndex);
  REQUIRE(index.variants.size() == 3);
  CHECK(index.variants[1].backends == std::vector<std::string>{"wasm", "cpu"});
  CHECK(index.variants[2].bytes == 40);
  CHECK(choose(kIndex, {"webgpu", "wasm"})["folder"] == "fp16");
  CHECK(choose(kIndex, {"wasm"})["folder"] == "int8");
  CHECK(choose(kIndex, {"cpu"})["backends"] == nlohmann::json{"cpu"});
  CHECK(choose(kIndex, {"webgpu", "wasm"}, "fp32")["backends"] == nlohmann::json{"webgpu", "wasm"});
  CHECK_THROWS_WITH(choose(kIndex, {"cpu"}, "fp16"),
                    "weft: weft.json: variants[0].backends: the fp16 variant is for webgpu, not backend 'cpu': use precision int8 or fp32 for cpu");
  CHECK_THROWS_WITH(weft::Manifest::parse(kIndex), doctest::Contains("weft: weft.json: variants: this weft.json is a package index"));
}

TEST_CASE("a package's backends narrow the candidates and refuse the others") {
  const std::string fp16 = toyWith(R"("precision": "fp16", "backends": ["webgpu"])");
  const weft::Manifest m = weft::Manifest::parse(fp16);
  CHECK(*m.target.precision == "fp16");
  CHECK(choose(fp16, {"webgpu", "wasm"})["backends"] == nlohmann::json{"webgpu"});
  CHECK_THROWS_WITH(choose(fp16, {"wasm"}), doctest::Contains("weft.json: backends: the package 'toy' is fp16 for webgpu, not backend 'wasm': "
                                                              "use the int8 or fp32 package for wasm instead"));
  CHECK(choose(fixtures::decoderManifest(), {"cpu"})["precision"].is_null());
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("backends": ["cpu", "cpu"])")),
                    "weft: weft.json: backends[1]: backend 'cpu' is listed twice");
}

TEST_CASE("fp16 stays off a WebGPU device without f16 shaders: the index falls to the next variant, a package is refused") {
  const std::vector<std::string> noF16 = {"shader-f16"};
  const auto pick = [&](const std::string& text, const std::vector<std::string>& candidates, const std::string& precision = "") {
    return nlohmann::json::parse(weft::choosePackage(text, weft::Budgets(), candidates, precision, noF16));
  };
  CHECK(pick(kIndex, {"webgpu", "wasm"})["folder"] == "fp32");
  CHECK(pick(kIndex, {"webgpu", "wasm"})["backends"] == nlohmann::json{"webgpu", "wasm"});
  CHECK(pick(kIndex, {"wasm"})["folder"] == "int8");
  CHECK_THROWS_WITH(pick(kIndex, {"webgpu"}, "fp16"),
                    "weft: weft.json: variants[0].precision: the fp16 variant needs shader-f16 on webgpu, which this device lacks: use another precision");
  const std::string fp16 = toyWith(R"("precision": "fp16", "backends": ["webgpu"])");
  CHECK_THROWS_WITH(pick(fp16, {"webgpu"}), doctest::Contains("weft.json: precision: the package 'toy' is fp16, which needs shader-f16 on webgpu, "
                                                              "and this device lacks it: load a package of another precision"));
  CHECK(pick(toyWith(R"("precision": "fp32")"), {"webgpu"})["backends"] == nlohmann::json{"webgpu"});
}
