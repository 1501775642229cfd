// A manifest that omits a component's inputs or outputs: the core takes them from the session's
// description of the graph (Silero VAD v5/v6 as onnxruntime-node reports them: unnamed dynamic
// dims as "") and checks the declared ones against it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/model.h"

namespace {

using json = nlohmann::json;

// What onnxruntime-node's inputMetadata / outputMetadata say about silero_vad_v6.onnx.
const char* kSileroGraph = R"({"vad": {
  "inputs": [{"name": "input", "type": "float32", "shape": ["", ""]},
             {"name": "state", "type": "float32", "shape": [2, "", 128]},
             {"name": "sr", "type": "int64", "shape": []}],
  "outputs": [{"name": "output", "type": "float32", "shape": ["", 1]},
              {"name": "stateN", "type": "float32", "shape": ["", "", ""]}]}})";

// fixtures::streamManifest with the component's io lists taken out (or replaced).
std::string withIo(const json& inputs, const json& outputs) {
  json m = json::parse(fixtures::streamManifest());
  m.erase("dims");
  m["generator"]["chunk"] = 512;
  m["generator"]["context"] = 64;
  json& vad = m["components"]["vad"];
  vad.erase("inputs");
  vad.erase("outputs");
  if (!inputs.is_null()) vad["inputs"] = inputs;
  if (!outputs.is_null()) vad["outputs"] = outputs;
  return m.dump();
}

}  // namespace

TEST_CASE("omitted inputs and outputs come from the graph; unnamed dims are batch") {
  const std::string text = withIo(nullptr, nullptr);
  CHECK(json::parse(weft::Model::componentsToDescribe(text)) ==
        json::parse(R"([{"name":"vad","file":"silero_vad.onnx","sha256":null,"bytes":null,"external_data":[]}])"));
  auto m = weft::Model::fromJson(text, "", kSileroGraph);
  const weft::Component& vad = *m->manifest().component("vad");
  REQUIRE(vad.inputs.size() == 3);
  CHECK(vad.inputs[1].name == "state");
  CHECK(weft::shapeString(vad.inputs[1].shape) == "[2, batch, 128]");
  CHECK(vad.inputs[2].dtype == weft::DType::Int64);
  CHECK(vad.outputs[1].name == "stateN");
  CHECK_NOTHROW(m->validateComponent("vad", json::parse(kSileroGraph)["vad"].dump()));
  auto g = m->createGenerator("{}");
  CHECK(g->slotsJson() == R"([{"name":"state","dtype":"float32","shape":[2,1,128],"init":"zeros"}])");
  CHECK(json::parse(m->infoJson())["generator"]["chunk"] == 512);
}

TEST_CASE("a complete manifest needs no graph; one without io lists needs its session described") {
  CHECK(weft::Model::componentsToDescribe(fixtures::streamManifest()) == "[]");
  CHECK(fixtures::errorOf([] { weft::Model::fromJson(withIo(nullptr, nullptr)); }) ==
        "weft: weft.json: components.vad.inputs: omitted, so it comes from the graph, but no session described it: load the "
        "package through the JS layer (which opens the graph first) or declare the component's inputs");
}

TEST_CASE("declared lists beside an omitted one are checked against the graph") {
  const json outputs = json::parse(R"([{"name": "output", "dtype": "float32", "shape": ["batch", 1]},
                                       {"name": "stateN", "dtype": "float32", "shape": [2, "batch", 128]}])");
  CHECK_NOTHROW(weft::Model::fromJson(withIo(nullptr, outputs), "", kSileroGraph));
  json renamed = outputs;
  renamed[0]["name"] = "prob";
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(withIo(nullptr, renamed), "", kSileroGraph); }) ==
        "weft: component 'vad' (silero_vad.onnx): the manifest names output 'prob' but the graph has no such output "
        "(graph outputs: output, stateN)");
  json halved = outputs;
  halved[1]["dtype"] = "float16";
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(withIo(nullptr, halved), "", kSileroGraph); }) ==
        "weft: component 'vad' (silero_vad.onnx): output 'stateN': the manifest says dtype float16 but the graph has float32");
}

TEST_CASE("a graph tensor Weft cannot declare is refused naming component, tensor and type") {
  json graph = json::parse(kSileroGraph);
  graph["vad"]["inputs"][2]["type"] = "float64";
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(withIo(nullptr, nullptr), "", graph.dump()); }) ==
        "weft: component 'vad' (silero_vad.onnx): the manifest omits its inputs, so they come from the graph, but input 'sr' "
        "has element type float64, which Weft does not run (supported: float32, float16, int64, int32, int8, uint8, bool)");
  graph = json::parse(kSileroGraph);
  graph["vad"]["outputs"][0].erase("type");
  CHECK(fixtures::errorOf([&] { weft::Model::fromJson(withIo(nullptr, nullptr), "", graph.dump()); }).find(
            "weft: component 'vad' (silero_vad.onnx): the manifest omits its outputs, so they come from the graph, but "
            "onnxruntime reports no element type or shape for output 'output'") == 0);
}
