#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/model.h"

using nlohmann::json;

namespace {

void pushSamples(weft::Generator& g, const std::vector<float>& xs) {
  float* v = g.pushView(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) v[i] = xs[i];
  g.push(xs.size());
}

std::vector<float> floats(weft::HostBuffer& b) { return std::vector<float>(b.as<float>(), b.as<float>() + b.size()); }

// Plays the JS runner: the "model" returns the sum of the chunk as its [1, 1] output.
void run(weft::Generator& g, const json& plan) {
  float sum = 0;
  for (float x : floats(g.input(plan["inputs"][0]["host"].get<int>()))) sum += x;
  g.output(plan["outputs"][0]["host"].get<int>(), 1).as<float>()[0] = sum;
  CHECK(g.accept() == 1);
}

}  // namespace

TEST_CASE("stream generator: constants, slots and the plan") {
  auto m = weft::Model::fromJson(fixtures::streamManifest());
  auto g = m->createGenerator("{}");
  CHECK(g->constantsJson() == R"([{"component":"vad","name":"sr","dtype":"int64","shape":[]}])");
  CHECK(g->constant(0).size() == 1);
  CHECK(g->constant(0).as<std::int64_t>()[0] == 16000);
  CHECK(g->slotsJson() == R"([{"name":"state","dtype":"float32","shape":[2,1,128],"init":"zeros"}])");
  pushSamples(*g, {1, 2, 3, 4});
  CHECK(json::parse(g->next()) == json::parse(R"({"component":"vad",
      "inputs":[{"name":"input","host":0,"dtype":"float32","shape":[1,4]},{"name":"state","slot":0},{"name":"sr","const":0}],
      "outputs":[{"name":"output","host":1},{"name":"stateN","slot":0}]})"));
  CHECK(floats(g->input(0)) == std::vector<float>{1, 2, 3, 4});
}

TEST_CASE("stream generator cuts pushed samples into chunks and zero-pads the tail on finish") {
  auto m = weft::Model::fromJson(fixtures::streamManifest());
  auto g = m->createGenerator("");
  CHECK(g->next().empty());  // nothing pushed yet
  pushSamples(*g, {1, 2, 3});
  CHECK(g->next().empty());  // 3 < chunk 4
  pushSamples(*g, {4, 5, 6, 7, 8, 9, 10});
  json p = json::parse(g->next());
  CHECK(floats(g->input(0)) == std::vector<float>{1, 2, 3, 4});
  run(*g, p);
  p = json::parse(g->next());
  CHECK(floats(g->input(0)) == std::vector<float>{5, 6, 7, 8});
  run(*g, p);
  CHECK(g->next().empty());  // 9, 10 wait for more samples
  CHECK_FALSE(g->done());
  g->finish();
  p = json::parse(g->next());
  CHECK(floats(g->input(0)) == std::vector<float>{9, 10, 0, 0});
  CHECK_FALSE(g->done());  // a plan is still out
  run(*g, p);
  CHECK(g->done());
  CHECK(g->next().empty());
  CHECK(g->results() == std::vector<float>{10, 26, 19});
  const json stats = json::parse(g->statsJson());
  CHECK(stats["steps"] == 3);
  CHECK(stats["samples_pushed"] == 10);
  CHECK(stats["samples_padded"] == 2);
}

TEST_CASE("stream generator: exact multiple needs no padding; misuse errors") {
  auto m = weft::Model::fromJson(fixtures::streamManifest());
  auto g = m->createGenerator("{}");
  pushSamples(*g, {1, 1, 1, 1});
  g->finish();
  run(*g, json::parse(g->next()));
  CHECK(g->next().empty());
  CHECK(g->done());
  CHECK(g->results() == std::vector<float>{4});

  auto g2 = m->createGenerator("{}");
  g2->pushView(2);
  CHECK_THROWS_WITH_AS(g2->push(3), "weft: stream generator: push(3) but the last pushView() reserved only 2 samples", weft::Error);
  CHECK(g2->done());  // an error finishes the generator

  auto g3 = m->createGenerator("{}");
  g3->finish();
  CHECK(g3->done());
  CHECK_THROWS_WITH(g3->pushView(1), "weft: stream generator: pushView() after finish()");
  CHECK_THROWS_WITH(m->createGenerator(R"({"chunk":3})"), "weft: options.chunk: unknown option (a stream generator takes none)");
}

namespace {

// The fixture with generator.context set and the samples input sized context + chunk.
std::string contextManifest(const std::string& generatorKeys) {
  std::string s = fixtures::streamManifest();
  s.replace(s.find(R"(["batch", "chunk"])"), 18, R"(["batch", "frame"])");
  s.replace(s.find(R"("sample_rate": 16000)"), 20, R"("sample_rate": 16000, )" + generatorKeys);
  return s;
}

}  // namespace

TEST_CASE("stream generator context: the previous input's last N samples, zeros first, before each chunk") {
  auto m = weft::Model::fromJson(contextManifest(R"("chunk": 4, "context": 2)"));
  CHECK(json::parse(m->infoJson())["generator"]["context"] == 2);
  auto g = m->createGenerator("{}");
  pushSamples(*g, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  json p = json::parse(g->next());
  CHECK(p["inputs"][0]["shape"] == json::parse("[1, 6]"));
  CHECK(floats(g->input(0)) == std::vector<float>{0, 0, 1, 2, 3, 4});
  run(*g, p);
  p = json::parse(g->next());
  CHECK(floats(g->input(0)) == std::vector<float>{3, 4, 5, 6, 7, 8});
  run(*g, p);
  g->finish();
  p = json::parse(g->next());
  CHECK(floats(g->input(0)) == std::vector<float>{7, 8, 9, 0, 0, 0});
  run(*g, p);
  CHECK(g->done());
  CHECK(g->results() == std::vector<float>{10, 33, 24});
  CHECK(json::parse(g->statsJson())["context"] == 2);
}

TEST_CASE("stream generator context: a context equal to the chunk; bad values name the field") {
  auto m = weft::Model::fromJson(contextManifest(R"("chunk": 2, "context": 2)"));
  auto g = m->createGenerator("{}");
  pushSamples(*g, {1, 2, 3, 4});
  run(*g, json::parse(g->next()));
  json p = json::parse(g->next());
  CHECK(floats(g->input(0)) == std::vector<float>{1, 2, 3, 4});
  CHECK_THROWS_WITH(weft::Model::fromJson(contextManifest(R"("chunk": 4, "context": 5)")),
                    "weft: weft.json: generator.context: the context (5 samples) is larger than the chunk (4); it must be <= generator.chunk");
  CHECK_THROWS_WITH(weft::Model::fromJson(contextManifest(R"("chunk": 4, "context": -1)")),
                    "weft: weft.json: generator.context: must be >= 0");
  std::string fixed = contextManifest(R"("chunk": 4, "context": 2)");
  fixed.replace(fixed.find(R"(["batch", "frame"])"), 18, R"(["batch", 4])");
  CHECK_THROWS_WITH(weft::Model::fromJson(fixed),
                    "weft: weft.json: generator.context: input 'input' has a fixed last dim of 4, but context + chunk is 6");
}
