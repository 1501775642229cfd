#include <doctest/doctest.h>

#include <string>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/model.h"

namespace {

// The toy decoder's real graph as onnxruntime reports it (symbolic dims as strings).
const char* kInputs =
    R"({"name":"input_ids","type":"int64","shape":["batch_size","sequence_length"]},)"
    R"({"name":"attention_mask","type":"int64","shape":["batch_size","total_length"]},)"
    R"({"name":"position_ids","type":"int64","shape":["batch_size","sequence_length"]},)"
    R"({"name":"past_key_values.0.key","type":"float32","shape":["batch_size",2,"past",4]},)"
    R"({"name":"past_key_values.1.key","type":"float32","shape":["batch_size",2,"",4]})";
const char* kOutputs =
    R"({"name":"logits","type":"float32","shape":["batch_size","sequence_length",16]},)"
    R"({"name":"present.0.key","type":"float32","shape":["batch_size",2,"total",4]},)"
    R"({"name":"present.1.key","type":"float32","shape":["batch_size",2,"total",4]})";

std::string io(const std::string& inputs, const std::string& outputs = kOutputs) {
  return "{\"inputs\":[" + inputs + "],\"outputs\":[" + outputs + "]}";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST_CASE("validateComponent accepts the matching graph") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  CHECK_NOTHROW(m->validateComponent("decoder", io(kInputs)));
  // Unknown shapes: only names and dtypes are checked.
  CHECK_NOTHROW(m->validateComponent("decoder", io(
      R"({"name":"input_ids","type":"int64"},{"name":"attention_mask","type":"int64"},{"name":"position_ids","type":"int64"},)"
      R"({"name":"past_key_values.0.key","type":"float32"},{"name":"past_key_values.1.key","type":"float32"})")));
}

TEST_CASE("validateComponent errors name component, file, tensor, expected and actual") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  const std::string noPast1 = replaced(kInputs, R"(,{"name":"past_key_values.1.key","type":"float32","shape":["batch_size",2,"",4]})", "");
  CHECK_THROWS_WITH_AS(m->validateComponent("decoder", io(noPast1)),
                       "weft: component 'decoder' (decoder.onnx): the manifest names input 'past_key_values.1.key' but the graph "
                       "has no such input (graph inputs: input_ids, attention_mask, position_ids, past_key_values.0.key)",
                       weft::Error);
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(std::string(kInputs) + R"(,{"name":"use_cache","type":"bool","shape":[1]})")),
                    "weft: component 'decoder' (decoder.onnx): the graph has input 'use_cache' that the manifest does not declare, "
                    "so nothing would feed it (manifest inputs: input_ids, attention_mask, position_ids, past_key_values.0.key, "
                    "past_key_values.1.key)");
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(replaced(kInputs, R"("position_ids","type":"int64")", R"("position_ids","type":"int32")"))),
                    "weft: component 'decoder' (decoder.onnx): input 'position_ids': the manifest says dtype int64 but the graph has int32");
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(replaced(kInputs, R"(["batch_size",2,"past",4])", R"(["batch_size",2,4])"))),
                    "weft: component 'decoder' (decoder.onnx): input 'past_key_values.0.key': the manifest says rank 4 "
                    "[batch, 2, past, 4] but the graph has rank 3 [\"batch_size\", 2, 4]");
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(replaced(kInputs, R"(["batch_size",2,"past",4])", R"(["batch_size",2,"past",8])"))),
                    "weft: component 'decoder' (decoder.onnx): input 'past_key_values.0.key': dim 3 is 4 in the manifest "
                    "[batch, 2, past, 4] but 8 in the graph [\"batch_size\", 2, \"past\", 8]");
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(kInputs, replaced(kOutputs, R"("sequence_length",16])", R"("sequence_length",32])"))),
                    doctest::Contains("output 'logits': dim 2 is 16 in the manifest"));
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(kInputs, R"({"name":"logits","type":"float32"})")),
                    doctest::Contains("the manifest names output 'present.0.key' but the graph has no such output (graph outputs: logits)"));
  CHECK_THROWS_WITH(m->validateComponent("encoder", io(kInputs)),
                    "weft: validateComponent: no component named 'encoder' (components: decoder)");
}

TEST_CASE("every graph input must be fed by the manifest") {
  // attention_mask is declared but no role, state entry or constant feeds it.
  auto m = weft::Model::fromJson(fixtures::decoderManifest(
      R"({"input_ids":"input_ids","position_ids":"position_ids","logits":"logits"})"));
  CHECK_THROWS_WITH(m->validateComponent("decoder", io(kInputs)),
                    "weft: component 'decoder' (decoder.onnx): input 'attention_mask' is not fed by the manifest "
                    "(no generator role, state entry or constant names it)");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1]})"),
                    doctest::Contains("input 'attention_mask' is not fed by the manifest"));
}
