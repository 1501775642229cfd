#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/model.h"

using nlohmann::json;

namespace {

std::vector<std::int64_t> ints(weft::HostBuffer& b) {
  return std::vector<std::int64_t>(b.as<std::int64_t>(), b.as<std::int64_t>() + b.size());
}

// Plays the JS runner: fills the logits host output with a row whose maximum is at `best`.
void feedLogits(weft::Generator& g, const json& plan, int best, std::size_t rows = 1) {
  const json& out = plan["outputs"][0];
  REQUIRE(out["name"] == "logits");
  weft::HostBuffer& b = g.output(out["host"].get<int>(), rows * 16);
  for (std::size_t i = 0; i < b.size(); ++i) b.as<float>()[i] = 0.0f;
  b.as<float>()[(rows - 1) * 16 + static_cast<std::size_t>(best)] = 1.0f;  // only the last row counts
}

}  // namespace

TEST_CASE("decoder plans: prefill of the whole prompt, then one token per run") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  auto g = m->createGenerator(R"({"prompt":[5,6,7],"max_new_tokens":3})");
  CHECK(g->slotsJson() == weft::slotsJson(m->slots()));

  json p = json::parse(g->next());
  CHECK(p == json::parse(R"({"component":"decoder",
      "inputs":[{"name":"input_ids","host":0,"dtype":"int64","shape":[1,3]},
                {"name":"attention_mask","host":1,"dtype":"int64","shape":[1,3]},
                {"name":"position_ids","host":2,"dtype":"int64","shape":[1,3]},
                {"name":"past_key_values.0.key","slot":0},{"name":"past_key_values.1.key","slot":1}],
      "outputs":[{"name":"logits","host":3,"tail":16},
                 {"name":"present.0.key","slot":0},{"name":"present.1.key","slot":1}]})"));
  CHECK(ints(g->input(0)) == std::vector<std::int64_t>{5, 6, 7});
  CHECK(ints(g->input(1)) == std::vector<std::int64_t>{1, 1, 1});
  CHECK(ints(g->input(2)) == std::vector<std::int64_t>{0, 1, 2});
  feedLogits(*g, p, 9, 3);  // JS may copy all three rows; the last one is sampled
  CHECK(g->accept() == 1);
  CHECK_FALSE(g->done());

  p = json::parse(g->next());
  CHECK(p["inputs"][0]["shape"] == json::parse("[1,1]"));
  CHECK(p["inputs"][1]["shape"] == json::parse("[1,4]"));
  CHECK(p["inputs"][2]["shape"] == json::parse("[1,1]"));
  CHECK(ints(g->input(0)) == std::vector<std::int64_t>{9});
  CHECK(ints(g->input(1)) == std::vector<std::int64_t>{1, 1, 1, 1});
  CHECK(ints(g->input(2)) == std::vector<std::int64_t>{3});
  feedLogits(*g, p, 4);
  g->accept();

  p = json::parse(g->next());
  CHECK(p["inputs"][1]["shape"] == json::parse("[1,5]"));
  CHECK(ints(g->input(0)) == std::vector<std::int64_t>{4});
  CHECK(ints(g->input(2)) == std::vector<std::int64_t>{4});
  feedLogits(*g, p, 2);
  g->accept();
  CHECK(g->done());  // max_new_tokens = 3
  CHECK(g->next().empty());
  CHECK(g->tokens() == std::vector<std::int32_t>{9, 4, 2});
  const json stats = json::parse(g->statsJson());
  CHECK(stats["steps"] == 3);
  CHECK(stats["core_ms"].get<double>() >= 0.0);
}

TEST_CASE("decoder stops on EOS (manifest default or option, int or array)") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest(
      R"({"input_ids":"input_ids","attention_mask":"attention_mask","position_ids":"position_ids","logits":"logits"})",
      R"({"max_new_tokens": 5, "eos_token_id": 11})"));
  auto g = m->createGenerator(R"({"prompt":[1]})");
  for (int best : {3, 11}) {
    feedLogits(*g, json::parse(g->next()), best);
    g->accept();
  }
  CHECK(g->done());
  CHECK(g->tokens() == std::vector<std::int32_t>{3, 11});
  auto g2 = m->createGenerator(R"({"prompt":[1],"eos_token_id":[7,8]})");
  for (int best : {11, 8}) {
    feedLogits(*g2, json::parse(g2->next()), best);
    g2->accept();
  }
  CHECK(g2->done());
  CHECK(g2->tokens() == std::vector<std::int32_t>{11, 8});
}

TEST_CASE("roles the graph lacks are not fed") {
  std::string s = fixtures::decoderManifest(R"({"input_ids":"input_ids","logits":"logits"})");
  // Drop attention_mask and position_ids from the component too.
  for (const char* n : {R"({"name": "attention_mask", "dtype": "int64", "shape": ["batch", "total"]},)",
                        R"({"name": "position_ids", "dtype": "int64", "shape": ["batch", "seq"]},)"})
    s.erase(s.find(n), std::string(n).size());
  auto m = weft::Model::fromJson(s);
  auto g = m->createGenerator(R"({"prompt":[1,2]})");
  const json p = json::parse(g->next());
  REQUIRE(p["inputs"].size() == 3);
  CHECK(p["inputs"][0]["name"] == "input_ids");
  CHECK(p["inputs"][1] == json::parse(R"({"name":"past_key_values.0.key","slot":0})"));
  CHECK(p["outputs"][0] == json::parse(R"({"name":"logits","host":1,"tail":16})"));
}

TEST_CASE("decoder options are validated") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  CHECK_THROWS_WITH_AS(m->createGenerator(R"({"prompt":[]})"), "weft: options.prompt: must hold at least one token id", weft::Error);
  CHECK_THROWS_WITH(m->createGenerator(R"({"max_new_tokens":2})"), "weft: options.prompt: missing required field");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1,16]})"), "weft: options.prompt[1]: token id 16 is outside [0, 16)");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[-1]})"), "weft: options.prompt[0]: token id -1 is outside [0, 16)");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"max_new_tokens":0})"), "weft: options.max_new_tokens: must be >= 1 but got 0");
  // dims.max_positions is 8.
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1,2,3],"max_new_tokens":6})"),
                    "weft: options: prompt length 3 + max_new_tokens 6 = 9 exceeds dims.max_positions 8");
  CHECK_NOTHROW(m->createGenerator(R"({"prompt":[1,2,3],"max_new_tokens":5})"));
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"temperature":-0.5})"),
                    "weft: options.temperature: must be a finite number >= 0 but got -0.5");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"top_p":0})"), "weft: options.top_p: must be in (0, 1] but got 0.0");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"min_p":2})"), "weft: options.min_p: must be in [0, 1] but got 2.0");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"repetition_penalty":0})"),
                    "weft: options.repetition_penalty: must be a finite number > 0 but got 0.0");
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"top_k":-3})"), doctest::Contains("options.top_k: must be >= 0"));
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"topk":3})"), doctest::Contains("options.topk: unknown option"));
  CHECK_THROWS_WITH(m->createGenerator(R"({"prompt":[1],"seed":"12x"})"), "weft: options.seed: expected a decimal integer but got \"12x\"");
  CHECK_NOTHROW(m->createGenerator(R"({"prompt":[1],"seed":"18446744073709551615"})"));
}

TEST_CASE("NaN logits: error naming step and index, then the generator is finished") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  auto g = m->createGenerator(R"({"prompt":[1]})");
  feedLogits(*g, json::parse(g->next()), 2);
  g->accept();
  const json p = json::parse(g->next());
  feedLogits(*g, p, 2);
  g->output(3, 16).as<float>()[7] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH_AS(g->accept(), "weft: decoder step 1: logits[7] is NaN", weft::Error);
  CHECK(g->done());
  CHECK(g->next().empty());
  CHECK(g->tokens().empty());  // holds nothing
  CHECK_THROWS_AS(g->accept(), weft::Error);
}

TEST_CASE("protocol misuse is an error") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  auto g = m->createGenerator(R"({"prompt":[1]})");
  CHECK_THROWS_WITH(g->accept(), "weft: decoder generator: accept() called without a plan from next()");
  auto g2 = m->createGenerator(R"({"prompt":[1]})");
  g2->next();
  CHECK_THROWS_WITH(g2->next(), "weft: decoder generator: next() called again before accept() of the previous plan");
  auto g3 = m->createGenerator(R"({"prompt":[1]})");
  g3->next();
  CHECK_THROWS_WITH(g3->accept(), "weft: decoder step 0: expected at least 16 logits (the last row) but outputView received 0");
  auto g4 = m->createGenerator(R"({"prompt":[1]})");
  CHECK_THROWS_WITH(g4->input(9), "weft: decoder generator: host buffer 9 is out of range (4 buffers)");
  auto g5 = m->createGenerator(R"({"prompt":[1]})");
  CHECK_THROWS_WITH(g5->pushView(4), "weft: a decoder generator takes no pushed samples (pushView)");
}

TEST_CASE("sampled decoding is reproducible from the seed") {
  auto m = weft::Model::fromJson(fixtures::decoderManifest());
  auto run = [&](const char* opts) {
    auto g = m->createGenerator(opts);
    while (true) {
      const std::string s = g->next();
      if (s.empty()) break;
      const json p = json::parse(s);
      weft::HostBuffer& b = g->output(p["outputs"][0]["host"].get<int>(), 16);
      for (int i = 0; i < 16; ++i) b.as<float>()[i] = 0.0f;  // uniform: token = floor(u * 16)
      g->accept();
    }
    return g->tokens();
  };
  // u for seed 1234567: 0.3500.., 0.1736.., 0.5322.. -> floor(16u) = 5, 2, 8.
  CHECK(run(R"({"prompt":[1],"max_new_tokens":3,"do_sample":true,"seed":1234567})") == std::vector<std::int32_t>{5, 2, 8});
  CHECK(run(R"({"prompt":[1],"max_new_tokens":3,"do_sample":true,"seed":"1234567"})") == std::vector<std::int32_t>{5, 2, 8});
  // Seeds are taken modulo 2^64: 2^64 + 1234567 and -2^64 + 1234567 are the same seed.
  CHECK(run(R"({"prompt":[1],"max_new_tokens":3,"do_sample":true,"seed":"18446744073710786183"})") == std::vector<std::int32_t>{5, 2, 8});
  CHECK(run(R"({"prompt":[1],"max_new_tokens":3,"do_sample":true,"seed":"-18446744073708317049"})") == std::vector<std::int32_t>{5, 2, 8});
  CHECK(run(R"({"prompt":[1],"max_new_tokens":3,"do_sample":true,"seed":-1})") ==
        run(R"({"prompt":[1],"max_new_tokens":3,"do_sample":true,"seed":"18446744073709551615"})"));
}
