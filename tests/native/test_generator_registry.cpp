// The registry of generator types: every package the project builds names a registered type, the
// options schema each type reports is what its parser enforces (a value past a declared limit is
// refused, naming the option), and unknown options are refused listing the schema's names.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/generator_registry.h"
#include "weft/model.h"

namespace {

using json = nlohmann::ordered_json;

std::string packageManifest(const std::string& name) {
  const std::string path = std::string(WEFT_SOURCE_DIR) + "/build/models/" + name + "/weft.json";
  std::ifstream f(path);
  REQUIRE_MESSAGE(f.good(), "missing package " << path << " (run scripts/setup.sh)");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// One built package per generator type, with a request its generator accepts.
struct Case {
  const char* package;
  const char* type;
  const char* options;
};
const Case kCases[] = {
    {"toy", "decoder", R"({"prompt": [1, 2]})"},
    {"silero-vad", "stream", "{}"},
    {"classifier-resnet18", "classifier", R"({"width": 8, "height": 8})"},
    {"musicgen-tiny", "musicgen", "{}"},
};

// Values just past each declared limit of an option.
std::vector<json> pastLimits(const json& o) {
  const bool integer = o["kind"] == "integer";
  std::vector<json> out;
  if (o.contains("min")) {
    const double min = o["min"].get<double>();
    if (integer) out.push_back(static_cast<std::int64_t>(min) - 1);
    else out.push_back(o.value("min_exclusive", false) ? min : min - 0.5);
  }
  if (o.contains("max")) out.push_back(integer ? json(static_cast<std::int64_t>(o["max"].get<double>()) + 1) : json(o["max"].get<double>() + 0.5));
  return out;
}

}  // namespace

TEST_CASE("every built package names a registered type, and the base requests are accepted") {
  for (const Case& c : kCases) {
    auto m = weft::Model::fromJson(packageManifest(c.package));
    CHECK(m->manifest().generator.type == c.type);
    CHECK(weft::findGeneratorType(c.type) == &m->generatorType());
    CHECK_NOTHROW(m->createGenerator(c.options));
  }
  CHECK(weft::findGeneratorType("encoder") == nullptr);
}

TEST_CASE("each type's parser refuses a value past a limit its options schema declares, naming the option") {
  int checked = 0;
  for (const Case& c : kCases) {
    auto m = weft::Model::fromJson(packageManifest(c.package));
    const json schema = weft::generatorTypeJson(m->generatorType());
    for (const json& o : schema["options"]) {
      for (const json& bad : pastLimits(o)) {
        json request = json::parse(c.options);
        request[o["name"].get<std::string>()] = bad;
        if (o["name"] != "prompt_samples" && std::string(o["name"]).rfind("prompt", 0) == 0) request["prompt_samples"] = 4000;
        const std::string err = fixtures::errorOf([&] { m->createGenerator(request.dump()); });
        CHECK_MESSAGE(err.find("options." + o["name"].get<std::string>()) != std::string::npos,
                      std::string(c.type) << " option " << o["name"] << " = " << bad.dump() << " gave: " << (err.empty() ? "no error" : err));
        ++checked;
      }
    }
  }
  CHECK(checked >= 20);
}

TEST_CASE("an unknown option is refused with the schema's option names") {
  for (const Case& c : kCases) {
    auto m = weft::Model::fromJson(packageManifest(c.package));
    const weft::GeneratorType& t = m->generatorType();
    const std::string err = fixtures::errorOf([&] { m->createGenerator(R"({"no_such_option": 1})"); });
    CHECK(err.find("weft: options.no_such_option: unknown option") == 0);
    if (!t.options.empty()) CHECK(err.find(t.optionNames()) != std::string::npos);
  }
}
