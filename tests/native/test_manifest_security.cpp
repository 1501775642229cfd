// A manifest is untrusted input: file names must stay inside the package, and declared shapes,
// the manifest's size and its nesting are checked against budgets before anything is allocated.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/model.h"

namespace {

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

std::string withFile(const std::string& name) {
  return replaced(fixtures::decoderManifest(), R"("file": "decoder.onnx")", R"("file": )" + name);
}

}  // namespace

TEST_CASE("a file name that could leave the package is refused, naming the field and the name") {
  const char* hostile[] = {
      R"("../../../../etc/hostname")", R"("models/../../x.onnx")", R"("/etc/hostname")", R"("https://other.example/x.onnx")",
      R"("//other.example/x.onnx")", R"("C:\\x.onnx")", R"("a\\..\\b.onnx")", R"("%2e%2e/x.onnx")", R"("x%2Fy.onnx")",
      R"("x.onnx\u0000.txt")", R"("dir//x.onnx")", R"("./x.onnx")", R"("")", R"("x.onnx?v=1")", R"("file:x.onnx")",
  };
  for (const char* name : hostile) {
    const std::string err = fixtures::errorOf([&] { weft::Model::fromJson(withFile(name)); });
    CHECK_MESSAGE(err.find("weft: weft.json: components.decoder.file: ") == 0, name << " gave: " << err);
    CHECK_MESSAGE(err.find("a package file must be a relative path inside the package") != std::string::npos, name << " gave: " << err);
  }
  CHECK_NOTHROW(weft::Model::fromJson(withFile(R"("graphs/decoder-v2.onnx")")));
  const std::string ext = replaced(fixtures::decoderManifest(), R"("file": "decoder.onnx")",
                                   R"("file": "decoder.onnx", "external_data": ["ok.bin", "../x.bin"])");
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(ext); }) ==
        "weft: weft.json: components.decoder.external_data[1]: \"../x.bin\" has a \"..\" segment (a package file must be a relative path inside the package)");
  const std::string tok = replaced(fixtures::decoderManifest(), R"("format": "weft/1",)", R"("format": "weft/1", "tokenizer": {"file": "/tmp/t.json"},)");
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(tok); }).find("weft: weft.json: tokenizer.file: \"/tmp/t.json\" is an absolute path") == 0);
}

TEST_CASE("declared shapes over the element budget are refused at load, naming the tensor and the budget") {
  std::string s = fixtures::streamManifest();
  s = replaced(s, R"([2, "batch", 128])", R"([2, "batch", 4000000000000])");
  s = replaced(s, R"([2, "batch", 128])", R"([2, "batch", 4000000000000])");
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(s); })
            .find("weft: weft.json: state[0]: state input 'state' [2, 1, 4000000000000] holds 8000000000000 elements, over the budget of 268435456 (budgets.tensor_elements)") == 0);
  const std::string small = fixtures::streamManifest();
  CHECK_NOTHROW(weft::Model::fromJson(small, R"({"tensor_elements": 256})"));
  const std::string over = fixtures::errorOf([&] { weft::Model::fromJson(small, R"({"tensor_elements": 255})"); });
  CHECK_MESSAGE(over.find("state input 'state' [2, 1, 128] holds 256 elements, over the budget of 255") != std::string::npos, over);
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(small, R"({"tensor_elemnts": 1})"); }) ==
        "weft: budgets.tensor_elemnts: unknown budget (budgets: manifest_bytes, tensor_elements, json_depth)");
}

TEST_CASE("the manifest's size and nesting have budgets") {
  const std::string m = fixtures::decoderManifest();
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(m, R"({"manifest_bytes": 100})"); }) ==
        "weft: weft.json: the manifest is " + std::to_string(m.size()) + " bytes, over the budget of 100 (budgets.manifest_bytes)");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(deep); }) == "weft: weft.json: nested deeper than 64 levels (budgets.json_depth)");
  const std::string nested = replaced(m, R"("format": "weft/1",)", R"("format": "weft/1", "source": {"a": {"b": {"c": 1}}},)");
  CHECK_NOTHROW(weft::Model::fromJson(nested));
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(nested, R"({"json_depth": 3})"); }).find("nested deeper than 3 levels") != std::string::npos);
}

TEST_CASE("a request's prompt audio is checked against the element budget before it is allocated") {
  std::ifstream f(std::string(WEFT_SOURCE_DIR) + "/build/models/musicgen-tiny/weft.json");
  REQUIRE_MESSAGE(f.good(), "missing package build/models/musicgen-tiny (run scripts/setup.sh)");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto m = weft::Model::fromJson(text, R"({"tensor_elements": 1000000})");
  CHECK(fixtures::errorOf([&] { m->createGenerator(R"({"prompt_samples": 600000, "prompt_channels": 2, "seconds": 1})"); })
            .find("weft: options.prompt_samples: the prompt audio (prompts x samples x channels) [1, 600000, 2] holds 1200000 elements, over the budget of 1000000") == 0);
  CHECK(fixtures::errorOf([&] { m->createGenerator(R"({"prompt_samples": 40000, "prompt_sample_rate": 1000, "seconds": 1})"); })
            .find("weft: options.prompt_sample_rate: the prompt audio at the model's rate (prompts x samples) [1, 1280000] holds 1280000 elements") == 0);
}
