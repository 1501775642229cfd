// The classifier generator on the step machine: plan shape, softmax/sigmoid top-k with labels,
// and bad input (manifest, sizes, push protocol).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "json_util.h"
#include "weft/classifier_generator.h"
#include "weft/error.h"
#include "weft/model.h"

namespace {

std::string manifest(const std::string& post = "softmax", const std::string& labels = R"(["cat","dog","fox"])",
                     int crop = 4) {
  return R"({"format": "weft/1", "name": "cls", "dims": {"classes": 3},
    "components": {"classifier": {"file": "model.onnx",
      "inputs": [{"name": "pixel_values", "dtype": "float32", "shape": ["batch", 3, 4, 4]}],
      "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", "classes"]}]}},
    "generator": {"type": "classifier", "component": "classifier",
      "io": {"pixel_values": "pixel_values", "logits": "logits"},
      "preprocess": {"resize": 4, "crop": )" + std::to_string(crop) + R"(, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
      "postprocess": ")" + post + R"(", "top_k": 2, "labels": )" + labels + "}}";
}

weft::ClassifierGenerator& classifier(const std::unique_ptr<weft::Generator>& g) {
  return dynamic_cast<weft::ClassifierGenerator&>(*g);
}

weft::Json run(weft::ClassifierGenerator& g, const float* logits) {
  std::uint8_t* bytes = g.rgbaView(16);  // a 2x2 image: 16 RGBA bytes
  for (int i = 0; i < 16; ++i) bytes[i] = 255;  // opaque white
  g.pushRgba();
  const weft::Json plan = weft::Json::parse(g.next());
  CHECK(plan["inputs"][0]["shape"] == weft::Json::parse("[1,3,4,4]"));
  const weft::HostBuffer& in = g.input(plan["inputs"][0]["host"].get<int>());
  CHECK(in.size() == 48);
  CHECK(in.as<float>()[0] == doctest::Approx(1.0));  // (1 - 0.5) / 0.5
  std::memcpy(g.output(plan["outputs"][0]["host"].get<int>(), 3).as<float>(), logits, 12);
  CHECK(g.accept() == 3);
  CHECK(g.done());
  CHECK(g.next().empty());
  return weft::Json::parse(g.statsJson());
}

}  // namespace

TEST_CASE("classifier: softmax top-k with labels from the manifest") {
  auto m = weft::Model::fromJson(manifest());
  auto g = m->createGenerator(R"({"width": 2, "height": 2})");
  const float logits[3] = {1.0f, 3.0f, 2.0f};
  const weft::Json s = run(classifier(g), logits);
  REQUIRE(s["top"].size() == 2);
  CHECK(s["top"][0]["label"] == "dog");
  CHECK(s["top"][1]["label"] == "fox");
  const double z = std::exp(1.0) + std::exp(3.0) + std::exp(2.0);
  CHECK(s["top"][0]["score"].get<double>() == doctest::Approx(std::exp(3.0) / z));
  CHECK(g->results().size() == 3);
}

TEST_CASE("classifier: sigmoid (multi-label) scores") {
  auto m = weft::Model::fromJson(manifest("sigmoid"));
  auto g = m->createGenerator(R"({"width": 2, "height": 2, "top_k": 3})");
  const float logits[3] = {0.0f, -2.0f, 2.0f};
  const weft::Json s = run(classifier(g), logits);
  CHECK(s["top"].size() == 3);
  CHECK(s["top"][0]["label"] == "fox");
  CHECK(s["top"][0]["score"].get<double>() == doctest::Approx(1.0 / (1.0 + std::exp(-2.0))));
  CHECK(s["top"][1]["score"].get<double>() == doctest::Approx(0.5));
}

TEST_CASE("classifier: postprocess none reports the graph's output as the scores") {
  auto m = weft::Model::fromJson(manifest("none"));
  auto g = m->createGenerator(R"({"width": 2, "height": 2, "top_k": 3})");
  const float probabilities[3] = {0.25f, 0.0f, 0.75f};
  const weft::Json s = run(classifier(g), probabilities);
  CHECK(s["postprocess"] == "none");
  CHECK(s["top"][0]["label"] == "fox");
  CHECK(s["top"][0]["score"].get<double>() == 0.75);
  CHECK(s["top"][1]["score"].get<double>() == 0.25);
  CHECK(s["top"][2]["score"].get<double>() == 0.0);
}

TEST_CASE("classifier: bad manifests and bad input fail clearly") {
  CHECK_THROWS_WITH_AS(weft::Model::fromJson(manifest("softmax", R"(["a","b"])")),
                       doctest::Contains("2 labels but output 'logits' has 3 classes"), weft::Error);
  CHECK_THROWS_WITH_AS(weft::Model::fromJson(manifest("relu")),
                       "weft: weft.json: generator.postprocess: expected one of softmax, sigmoid, none (the output already is scores) but got 'relu'",
                       weft::Error);
  CHECK_THROWS_WITH_AS(weft::Model::fromJson(manifest("softmax", R"(["a","b","c"])", 8)),
                       doctest::Contains("gives height 8 but input 'pixel_values'"), weft::Error);
  auto m = weft::Model::fromJson(manifest());
  CHECK_THROWS_WITH_AS(m->createGenerator(R"({"width": 0, "height": 5})"), doctest::Contains("no pixels"), weft::Error);
  CHECK_THROWS_WITH_AS(m->createGenerator(R"({"width": 10000, "height": 10000})"), doctest::Contains("limit"), weft::Error);
  CHECK_THROWS_WITH_AS(m->createGenerator(R"({"height": 5})"), doctest::Contains("width and height"), weft::Error);
  auto g = m->createGenerator(R"({"width": 2, "height": 2})");
  CHECK_THROWS_WITH_AS(classifier(g).rgbaView(12), "weft: classifier: rgbaView(12) but a 2x2 RGBA image has 16 bytes",
                       weft::Error);
  CHECK(g->done());  // failed: finished and holds nothing
  CHECK_THROWS_WITH_AS(classifier(g).rgbaView(16), "weft: classifier generator: rgbaView after the generator failed",
                       weft::Error);
  // Pixels are bytes: the float sample protocol of stream generators is refused.
  auto g1 = m->createGenerator(R"({"width": 2, "height": 2})");
  CHECK_THROWS_WITH_AS(g1->pushView(4), "weft: a classifier generator takes no pushed samples (pushView)", weft::Error);
  auto g3 = m->createGenerator(R"({"width": 2, "height": 2})");
  CHECK_THROWS_WITH_AS(classifier(g3).pushRgba(), doctest::Contains("pushRgba() must follow rgbaView() once"), weft::Error);
  auto g2 = m->createGenerator(R"({"width": 2, "height": 2})");
  CHECK(g2->next().empty());  // nothing pushed yet
  classifier(g2).rgbaView(16);
  CHECK(g2->next().empty());  // viewed, not committed
  classifier(g2).pushRgba();
  const weft::Json plan = weft::Json::parse(g2->next());
  const float nan[3] = {NAN, 0, 0};
  std::memcpy(g2->output(plan["outputs"][0]["host"].get<int>(), 3).as<float>(), nan, 12);
  CHECK_THROWS_WITH_AS(g2->accept(), doctest::Contains("non-finite logit"), weft::Error);
}
