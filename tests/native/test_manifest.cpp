#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/manifest.h"
#include "weft/model.h"
#include "weft/state.h"

namespace {

// Replaces the first occurrence of `from` in the toy manifest.
std::string toyWith(const std::string& from, const std::string& to) {
  std::string s = fixtures::decoderManifest();
  const auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST_CASE("templates expand by count and dims resolve") {
  const weft::Manifest m = weft::Manifest::parse(fixtures::decoderManifest());
  CHECK(m.name == "toy");
  REQUIRE(m.components.size() == 1);
  const weft::Component& c = m.components[0];
  REQUIRE(c.inputs.size() == 5);
  CHECK(c.inputs[3].name == "past_key_values.0.key");
  CHECK(c.inputs[4].name == "past_key_values.1.key");
  CHECK(c.outputs[2].name == "present.1.key");
  // ["batch", "heads", "past", "head_dim"]: heads -> 2 and head_dim -> 4, the others symbolic.
  const auto& shape = c.inputs[4].shape;
  CHECK_FALSE(shape[0].fixed());
  CHECK(shape[1].value == 2);
  CHECK(shape[2].name == "past");
  CHECK(shape[3].value == 4);
  REQUIRE(m.state.size() == 2);
  CHECK(m.state[1].input == "past_key_values.1.key");
  CHECK(m.state[1].output == "present.1.key");
  CHECK(*m.component("decoder")->sha256 == "abc");
}

TEST_CASE("state slots: empty along the axis, other symbolic dims 1; zeros with batch 1") {
  auto model = weft::Model::fromJson(fixtures::decoderManifest());
  CHECK(weft::slotsJson(model->slots()) ==
        R"([{"name":"past_key_values.0.key","dtype":"float32","shape":[1,2,0,4],"init":"empty"},)"
        R"({"name":"past_key_values.1.key","dtype":"float32","shape":[1,2,0,4],"init":"empty"}])");
  auto vad = weft::Model::fromJson(fixtures::streamManifest());
  CHECK(weft::slotsJson(vad->slots()) == R"([{"name":"state","dtype":"float32","shape":[2,1,128],"init":"zeros"}])");
}

TEST_CASE("manifest errors name the JSON path") {
  CHECK_THROWS_WITH_AS(
      weft::Manifest::parse(toyWith(R"("name": "attention_mask", "dtype": "int64")", R"("name": "attention_mask", "dtype": "float64x")")),
      "weft: weft.json: components.decoder.inputs[1].dtype: expected one of float32, float16, int64, int32, int8, uint8, bool but got \"float64x\"",
      weft::Error);
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("file": "decoder.onnx",)", "")),
                    "weft: weft.json: components.decoder.file: missing required field");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("type": "decoder")", R"("type": "encoder")")),
                    "weft: weft.json: generator.type: expected one of decoder, stream, classifier, musicgen, pocket_tts but got \"encoder\"");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("count": "layers", "dtype")", R"("count": "layrs", "dtype")")),
                    "weft: weft.json: components.decoder.inputs[3].count: expected an integer or a name from dims "
                    "(vocab, layers, heads, head_dim, max_positions) but got \"layrs\"");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("count": "layers", "dtype")", R"("count": -2, "dtype")")),
                    "weft: weft.json: components.decoder.inputs[3].count: must be >= 0 but got -2");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("count": "layers", "dtype")", R"("dtype")")),
                    "weft: weft.json: components.decoder.inputs[3].name: uses {layer} in \"past_key_values.{layer}.key\" "
                    "but the entry has no count");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("format": "weft/1")", R"("format": "weft/2")")),
                    "weft: weft.json: format: expected \"weft/1\" but got \"weft/2\"");
  CHECK_THROWS_WITH(weft::Manifest::parse("{\"format\": "), doctest::Contains("weft: weft.json: invalid JSON"));
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("output": "present.{layer}.key")", R"("output": "present.{layer}.value")")),
                    "weft: weft.json: state[0].output: component 'decoder' has no output 'present.0.value'");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("io": {"input_ids")", R"("io": {"token_ids")")),
                    doctest::Contains("generator.io.token_ids: unknown role for a decoder generator"));
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("component": "decoder", "io")", R"("component": "dec", "io")")),
                    "weft: weft.json: generator.component: no component named \"dec\" (components: decoder)");
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"(["batch", "seq", "vocab"])", R"(["batch", "seq", "v"])")),
                    doctest::Contains("generator.io.logits: the last dim of output 'logits' (the vocabulary) must be fixed"));
}

TEST_CASE("state init zeros needs every dim but batch to resolve") {
  std::string s = fixtures::streamManifest();
  s.replace(s.find("[2, \"batch\", 128]"), 17, "[2, \"batch\", \"h\"]");
  CHECK_THROWS_WITH(weft::Model::fromJson(s),
                    "weft: weft.json: state[0]: init \"zeros\" needs every dim of input 'state' [2, batch, h] to resolve, "
                    "but 'h' is not in dims (only batch may stay symbolic; it is 1)");
}

TEST_CASE("generation defaults are validated at load") {
  CHECK_THROWS_WITH(weft::Model::fromJson(fixtures::decoderManifest(
                        R"({"input_ids":"input_ids","logits":"logits","attention_mask":"attention_mask","position_ids":"position_ids"})",
                        R"({"top_p": 2})")),
                    "weft: weft.json: generation.top_p: must be in (0, 1] but got 2.0");
}

TEST_CASE("componentsJson and infoJson") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  CHECK(m->componentsJson() ==
        R"([{"name":"decoder","file":"decoder.onnx","sha256":"abc","bytes":1234,)"
        R"("inputs":["input_ids","attention_mask","position_ids","past_key_values.0.key","past_key_values.1.key"],)"
        R"("outputs":["logits","present.0.key","present.1.key"],"state_outputs":["present.0.key","present.1.key"],)"
        R"("external_data":[],"used":true}])");
  auto vad = weft::Model::fromJson(fixtures::streamManifest());
  const auto info = nlohmann::json::parse(vad->infoJson());
  CHECK(info["generator"]["type"] == "stream");
  CHECK(info["generator"]["chunk"] == 4);
  CHECK(info["generator"]["sample_rate"] == 16000);
  CHECK(info["dims"]["chunk"] == 4);
}

#include <fstream>
#include <sstream>

TEST_CASE("the shipped Silero VAD manifest loads as a stream model") {
  std::ifstream f(std::string(WEFT_SOURCE_DIR) + "/manifests/silero-vad-v5.weft.json");
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  auto m = weft::Model::fromJson(ss.str());
  const auto info = nlohmann::json::parse(m->infoJson());
  CHECK(info["generator"]["chunk"] == 512);
  CHECK(info["generator"]["sample_rate"] == 16000);
  // "" and 0 are the toolkit's placeholders before hashing: reported as unknown.
  const auto comps = nlohmann::json::parse(m->componentsJson());
  CHECK(comps[0]["sha256"].is_null());
  CHECK(comps[0]["bytes"].is_null());
  CHECK(comps[0]["state_outputs"] == nlohmann::json::parse(R"(["stateN"])"));
  auto g = m->createGenerator("{}");
  CHECK(nlohmann::json::parse(g->slotsJson())[0]["shape"] == nlohmann::json::parse("[2,1,128]"));
}

TEST_CASE("an optional tokenizer file is parsed, checked and reported by infoJson") {
  const std::string with = toyWith(R"("format": "weft/1",)",
                                   R"("format": "weft/1", "tokenizer": {"file": "tokenizer.json", "bytes": 42},)");
  const auto m = weft::Model::fromJson(with);
  const auto info = nlohmann::json::parse(m->infoJson());
  CHECK(info["tokenizer"] == nlohmann::json::parse(R"({"file":"tokenizer.json","sha256":null,"bytes":42})"));
  CHECK(nlohmann::json::parse(weft::Model::fromJson(fixtures::decoderManifest())->infoJson())["tokenizer"].is_null());
  CHECK_THROWS_WITH(weft::Manifest::parse(toyWith(R"("format": "weft/1",)", R"("format": "weft/1", "tokenizer": {"bytes": 1},)")),
                    doctest::Contains("weft.json: tokenizer"));
}
