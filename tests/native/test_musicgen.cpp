// The MusicGen generator's core: manifest extensions (components / init_from), the delay pattern
// against transformers' build_delay_pattern_mask, CFG + seeded sampling, the run sequence and the
// request errors. The graphs are played here by a small fake runner (synthetic logits); the real
// graphs are exercised by tests/js/musicgen.test.mjs and `npm run parity -- musicgen`.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/model.h"
#include "weft/musicgen/delay_pattern.h"
#include "weft/musicgen_generator.h"
#include "weft/rng.h"
#include "weft/state.h"

using nlohmann::json;

namespace {

// A MusicGen-shaped package, small enough to reason about: 2 codebooks of vocab 8 (special 8),
// delays [0, 1], 10 frames/s of 8 samples, 20 positions.
std::string manifest(const std::string& from = "", const std::string& to = "") {
  std::string s = R"({
  "format": "weft/1", "name": "mg",
  "dims": {"layers": 1, "heads": 1, "head_dim": 2, "codebooks": 2, "vocab": 8, "hidden": 4,
           "text_hidden": 3, "text_vocab": 10, "max_positions": 20, "sampling_rate": 80, "hop": 8,
           "frame_rate": 10},
  "components": {
    "text_encoder": {"file": "t.onnx",
      "inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["batch", "enc_seq"]},
                 {"name": "attention_mask", "dtype": "int64", "shape": ["batch", "enc_seq"]}],
      "outputs": [{"name": "last_hidden_state", "dtype": "float32", "shape": ["batch", "enc_seq", "text_hidden"]}]},
    "decoder_cross_kv": {"file": "x.onnx",
      "inputs": [{"name": "encoder_hidden_states", "dtype": "float32", "shape": ["batch", "enc_seq", "text_hidden"]},
                 {"name": "encoder_attention_mask", "dtype": "int64", "shape": ["batch", "enc_seq"]}],
      "outputs": [{"name": "cross.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "enc_seq", "head_dim"]}]},
    "decoder_prefill": {"file": "p.onnx",
      "inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["bxc", "seq"]},
                 {"name": "encoder_attention_mask", "dtype": "int64", "shape": ["batch", "enc_seq"]},
                 {"name": "cross.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "enc_seq", "head_dim"]}],
      "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", "codebooks", "vocab"]},
                  {"name": "present.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "seq", "head_dim"]}]},
    "decoder_step": {"file": "s.onnx",
      "inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["bxc", 1]},
                 {"name": "encoder_attention_mask", "dtype": "int64", "shape": ["batch", "enc_seq"]},
                 {"name": "cross.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "enc_seq", "head_dim"]},
                 {"name": "past.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "past", "head_dim"]}],
      "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", "codebooks", "vocab"]},
                  {"name": "present.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "total", "head_dim"]}]},
    "encodec_encode": {"file": "e.onnx",
      "inputs": [{"name": "input_values", "dtype": "float32", "shape": ["batch", 1, "samples"]}],
      "outputs": [{"name": "audio_codes", "dtype": "int64", "shape": ["batch", "codebooks", "frames"]}]},
    "encodec_decode": {"file": "d.onnx",
      "inputs": [{"name": "audio_codes", "dtype": "int64", "shape": [1, "batch", "codebooks", "frames"]}],
      "outputs": [{"name": "audio_values", "dtype": "float32", "shape": ["batch", 1, "samples"]}]},
    "merged": {"file": "m.onnx", "inputs": [], "outputs": []}
  },
  "state": [
    {"components": ["decoder_prefill", "decoder_step"], "input": "cross.{layer}.key", "count": "layers",
     "mode": "fixed", "init_from": {"component": "decoder_cross_kv", "output": "cross.{layer}.key"}},
    {"component": "decoder_step", "input": "past.{layer}.key", "output": "present.{layer}.key", "count": "layers",
     "axis": 2, "mode": "grow", "init_from": {"component": "decoder_prefill", "output": "present.{layer}.key"}}
  ],
  "generator": {"type": "musicgen", "text_encoder": "text_encoder", "cross_kv": "decoder_cross_kv",
    "prefill": "decoder_prefill", "step": "decoder_step", "audio_encoder": "encodec_encode", "audio_decoder": "encodec_decode",
    "io": {"text_ids": "input_ids", "text_mask": "attention_mask", "text_states": "last_hidden_state",
           "encoder_hidden_states": "encoder_hidden_states", "input_ids": "input_ids",
           "encoder_attention_mask": "encoder_attention_mask", "logits": "logits",
           "audio_in": "input_values", "codes_out": "audio_codes", "codes_in": "audio_codes", "audio_out": "audio_values"},
    "special_token": 8, "delay": [0, 1], "min_prompt_samples": 16},
  "generation": {"max_new_tokens": 6, "do_sample": true, "top_k": 3, "top_p": 0.0, "temperature": 1.0, "guidance_scale": 3.0}
})";
  if (!from.empty()) {
    const auto p = s.find(from);
    REQUIRE(p != std::string::npos);
    s.replace(p, from.size(), to);
  }
  return s;
}

using fixtures::errorOf;

// Plays the graphs: text states and audio are zeros, codes_out is `promptCode`, and logits come
// from `logit(row, q, v)` for the step being run. Returns the plans' components in order.
struct FakeRun {
  std::function<float(std::int64_t step, std::int64_t row, std::int64_t q, std::int64_t v)> logit;
  std::int64_t promptCode = 5;
  std::vector<std::string> components;
  std::vector<json> plans;
  std::int64_t chunkSamples = 0;
  std::vector<std::vector<std::int32_t>> positions;  // per in-place run: total_sequence_length, then seqlens_k
  std::vector<std::vector<std::int64_t>> positionIds;  // per in-place run: its columns' positions
};

void drive(weft::Generator& g, FakeRun& f) {
  std::int64_t step = 0;
  for (;;) {
    const std::string text = g.next();
    if (text.empty()) break;
    const json plan = json::parse(text);
    f.plans.push_back(plan);
    const std::string c = plan["component"];
    f.components.push_back(c);
    std::vector<std::int64_t> shape;
    for (auto& in : plan["inputs"])
      if (in.contains("host") && in["name"] != "encoder_attention_mask" && shape.empty())  // the first: ids, audio or codes
        shape = in["shape"].get<std::vector<std::int64_t>>();
    std::vector<std::int32_t> positions;
    for (const char* name : {"total_sequence_length", "seqlens_k"})
      for (auto& in : plan["inputs"])
        if (in["name"] == name) {
          const weft::HostBuffer& b = g.input(in["host"]);
          positions.insert(positions.end(), b.as<std::int32_t>(), b.as<std::int32_t>() + b.size());
        }
    if (!positions.empty()) f.positions.push_back(positions);
    for (auto& in : plan["inputs"])
      if (in["name"] == "position_ids") {
        const weft::HostBuffer& b = g.input(in["host"]);
        CHECK(in["shape"] == json::array({static_cast<std::int64_t>(b.size())}));
        f.positionIds.emplace_back(b.as<std::int64_t>(), b.as<std::int64_t>() + b.size());
      }
    for (auto& out : plan["outputs"]) {
      if (!out.contains("host")) continue;
      const int h = out["host"];
      if (c == "text_encoder") {
        g.output(h, static_cast<std::size_t>(shape[0] * shape[1] * 3));
      } else if (c == "encodec_encode") {
        const std::int64_t frames = (shape[2] + 7) / 8;
        weft::HostBuffer& b = g.output(h, static_cast<std::size_t>(shape[0] * 2 * frames));
        for (std::size_t i = 0; i < b.size(); ++i) b.as<std::int64_t>()[i] = f.promptCode;
      } else if (c == "encodec_decode") {
        weft::HostBuffer& b = g.output(h, static_cast<std::size_t>(shape[1] * shape[3] * 8));
        for (std::size_t i = 0; i < b.size(); ++i) b.as<float>()[i] = 0.0f;
      } else {
        const std::int64_t rows = shape[0] / 2;
        weft::HostBuffer& b = g.output(h, static_cast<std::size_t>(rows * 2 * 8));
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t q = 0; q < 2; ++q)
            for (std::int64_t v = 0; v < 8; ++v) b.as<float>()[(r * 2 + q) * 8 + v] = f.logit(step, r, q, v);
        ++step;
      }
    }
    const int n = g.accept();
    if (n) f.chunkSamples += n;
    if (g.done()) break;
  }
}

std::vector<std::int32_t> codesOf(const std::string& options, FakeRun& f) {
  auto m = weft::Model::fromJson(manifest());
  auto g = m->createGenerator(options);
  drive(*g, f);
  REQUIRE(g->done());
  return g->tokens();
}

float noise(std::int64_t step, std::int64_t row, std::int64_t q, std::int64_t v) {
  weft::SplitMix64 r(static_cast<std::uint64_t>(((step * 7 + row) * 3 + q) * 11 + v));
  return static_cast<float>(r.uniform() * 4.0 - 2.0);
}

}  // namespace

TEST_CASE("musicgen manifest: components and init_from become slots, plans and load checks") {
  auto m = weft::Model::fromJson(manifest());
  const auto& slots = m->slots();
  REQUIRE(slots.size() == 2);
  CHECK(slots[0].components == std::vector<std::string>{"decoder_prefill", "decoder_step"});
  CHECK(weft::slotsJson(slots) ==
        R"([{"name":"cross.0.key","dtype":"float32","shape":[-1,1,-1,2],"init":"from","from":{"component":"decoder_cross_kv","output":"cross.0.key"}},)"
        R"({"name":"past.0.key","dtype":"float32","shape":[-1,1,-1,2],"init":"from","from":{"component":"decoder_prefill","output":"present.0.key"}}])");
  const json comps = json::parse(m->componentsJson());
  for (auto& c : comps) {
    CHECK(c["used"] == (c["name"] != "merged"));  // the loader skips what the generator never runs
    if (c["name"] == "decoder_cross_kv") CHECK(c["state_outputs"] == json::array({"cross.0.key"}));
    if (c["name"] == "decoder_prefill") CHECK(c["state_outputs"] == json::array({"present.0.key"}));
  }
  // The session check knows which inputs the generator feeds from host buffers.
  CHECK_NOTHROW(m->validateComponent("decoder_cross_kv",
                                     R"({"inputs":[{"name":"encoder_hidden_states"},{"name":"encoder_attention_mask"}],"outputs":[{"name":"cross.0.key"}]})"));

  FakeRun f{noise};
  auto g = m->createGenerator(R"({"text_ids": [[1, 2, 3]], "max_new_frames": 3, "do_sample": false})");
  drive(*g, f);
  CHECK(f.components == std::vector<std::string>{"text_encoder", "decoder_cross_kv", "decoder_prefill", "decoder_step",
                                                 "decoder_step", "decoder_step", "encodec_decode"});
  CHECK(f.plans[1]["outputs"] == json::parse(R"([{"name":"cross.0.key","slot":0}])"));
  CHECK(f.plans[2]["inputs"][2] == json::parse(R"({"name":"cross.0.key","slot":0})"));
  CHECK(f.plans[2]["outputs"][1] == json::parse(R"({"name":"present.0.key","slot":1})"));
  CHECK(f.plans[3]["inputs"][3] == json::parse(R"({"name":"past.0.key","slot":1})"));
  CHECK(f.plans[3]["outputs"][1] == json::parse(R"({"name":"present.0.key","slot":1})"));
  // CFG rows: [cond; null] x 2 codebooks; prefill over the first column, steps one column each.
  CHECK(f.plans[2]["inputs"][0]["shape"] == json::array({4, 1}));
  CHECK(f.plans[3]["inputs"][0]["shape"] == json::array({4, 1}));
  CHECK(f.plans[1]["inputs"][0]["shape"] == json::array({2, 3, 3}));
  CHECK(f.plans.back()["inputs"][0]["shape"] == json::array({1, 1, 2, 3}));
}

TEST_CASE("musicgen with one decoder graph: the prompt's run feeds the cache empty") {
  std::string text = manifest(R"("prefill": "decoder_prefill")", R"("prefill": "decoder_step")");
  const auto swap = [&text](const std::string& from, const std::string& to) {
    const auto p = text.find(from);
    REQUIRE(p != std::string::npos);
    text.replace(p, from.size(), to);
  };
  swap(R"("init_from": {"component": "decoder_prefill", "output": "present.{layer}.key"})", R"("init": "empty")");
  swap(R"({"name": "input_ids", "dtype": "int64", "shape": ["bxc", 1]})", R"({"name": "input_ids", "dtype": "int64", "shape": ["bxc", "seq"]})");
  auto m = weft::Model::fromJson(text);
  FakeRun f{noise};
  auto g = m->createGenerator(R"({"text_ids": [[1, 2, 3]], "max_new_frames": 3, "do_sample": false})");
  drive(*g, f);
  CHECK(f.components == std::vector<std::string>{"text_encoder", "decoder_cross_kv", "decoder_step", "decoder_step",
                                                 "decoder_step", "decoder_step", "encodec_decode"});
  // the prompt's run: the cache input comes from an empty host buffer [rows = 2, heads, 0, head_dim]
  const json& past = f.plans[2]["inputs"][3];
  CHECK(past["name"] == "past.0.key");
  CHECK(past.contains("host"));
  CHECK(past["shape"] == json::array({2, 1, 0, 2}));
  CHECK(f.plans[2]["outputs"][1] == json::parse(R"({"name":"present.0.key","slot":1})"));
  // later runs read the slot the prompt's run wrote
  CHECK(f.plans[3]["inputs"][3] == json::parse(R"({"name":"past.0.key","slot":1})"));
}

TEST_CASE("musicgen manifest errors name the JSON path") {
  using weft::Model;
  CHECK(errorOf([] { Model::fromJson(manifest(R"("init_from": {"component": "decoder_cross_kv", "output": "cross.{layer}.key"})",
                                              R"("init_from": {"component": "decoder_cross_kv", "output": "cross.{layer}.value"})")); }) ==
        "weft: weft.json: state[0].init_from.output: component 'decoder_cross_kv' has no output 'cross.0.value'");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("init_from": {"component": "decoder_cross_kv")", R"("init_from": {"component": "nope")")); }) ==
        "weft: weft.json: state[0].init_from.component: no component named \"nope\" (components: text_encoder, decoder_cross_kv, "
        "decoder_prefill, decoder_step, encodec_encode, encodec_decode, merged)");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("components": ["decoder_prefill", "decoder_step"])", R"("components": ["decoder_prefill", "text_encoder"])")); }) ==
        "weft: weft.json: state[0].input: component 'text_encoder' has no input 'cross.0.key'");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("outputs": [{"name": "cross.{layer}.key", "count": "layers", "dtype": "float32")",
                                              R"("outputs": [{"name": "cross.{layer}.key", "count": "layers", "dtype": "float16")")); }) ==
        "weft: weft.json: state[0]: input 'cross.0.key' is float32 but output 'cross.0.key' of component 'decoder_cross_kv' (init_from) is float16");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("mode": "fixed", "init_from")", R"("mode": "fixed", "init": "zeros", "init_from")")); }) ==
        "weft: weft.json: state[0].init: give either init or init_from, not both");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("components": ["decoder_prefill", "decoder_step"])", R"("component": "decoder_step", "components": ["decoder_prefill"])")); }) ==
        "weft: weft.json: state[0]: give either component or components, not both");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("init_from": {"component": "decoder_prefill")", R"("init_from": {"component": "decoder_step")")); }) ==
        "weft: weft.json: state[1].init_from.component: a slot cannot be initialised by a component it feeds ('decoder_step')");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("encoder_hidden_states": "encoder_hidden_states", )", "")); }) ==
        "weft: weft.json: generator.io.encoder_hidden_states: missing required role");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("delay": [0, 1])", R"("delay": [0])")); }) ==
        "weft: weft.json: generator.delay: has 1 entries but there are 2 codebooks");
  CHECK(errorOf([] { Model::fromJson(manifest(R"("prefill": "decoder_prefill")", R"("prefill": "decoder_prefil")")); }) ==
        "weft: weft.json: generator.prefill: no component named \"decoder_prefil\" (components: text_encoder, decoder_cross_kv, "
        "decoder_prefill, decoder_step, encodec_encode, encodec_decode, merged)");
}

TEST_CASE("delay pattern equals transformers' build_delay_pattern_mask, keeps prompt cells, reverts") {
  std::ifstream in(std::string(WEFT_SOURCE_DIR) + "/build/models/fixtures/musicgen_weft_refs.json");
  REQUIRE(in.good());
  const json refs = json::parse(in);
  const json& p = refs["pattern"];
  const auto prompt = p["prompt"].get<std::vector<std::vector<std::int64_t>>>();
  const auto mask = p["mask"].get<std::vector<std::vector<std::int64_t>>>();
  const std::int64_t Q = static_cast<std::int64_t>(prompt.size()), Tp = static_cast<std::int64_t>(prompt[0].size());
  const std::int64_t S = p["max_length"];
  std::vector<std::int64_t> flat;
  for (auto& row : prompt) flat.insert(flat.end(), row.begin(), row.end());
  std::vector<std::int64_t> delays;
  for (std::int64_t q = 0; q < Q; ++q) delays.push_back(q);
  weft::DelayPattern pat(delays, p["special"].get<std::int32_t>(), S - Q, flat.data(), Tp);  // S = T + max delay + 1
  REQUIRE(pat.length() == S);
  for (std::int64_t q = 0; q < Q; ++q)
    for (std::int64_t s = 0; s < S; ++s) {
      CAPTURE(q);
      CAPTURE(s);
      CHECK(pat.at(static_cast<int>(q), s) == mask[q][s]);  // -1 = free, as transformers marks it
      CHECK(pat.fixed(static_cast<int>(q), s) == (mask[q][s] != -1));
    }
  CHECK(pat.firstFree() == Tp + 1);
  // Writing a whole column touches only free cells: prompt tokens in the delay tail survive.
  for (std::int64_t s = pat.firstFree(); s < S; ++s)
    for (int q = 0; q < Q; ++q) pat.write(q, s, 7);
  const auto codes = pat.revert();
  for (std::int64_t q = 0; q < Q; ++q)
    for (std::int64_t t = 0; t < S - Q; ++t) CHECK(codes[q * (S - Q) + t] == (t < Tp ? prompt[q][t] : 7));
  CHECK(pat.completeFrames(Tp + 1) == Tp + 1 - Q);  // the last prompt frame of codebook 3 is at column Tp + 3
}

TEST_CASE("CFG: null + (cond - null) * g picks what neither branch alone picks") {
  // cond prefers 2, null prefers 1; guided (g = 3): v0 = 0, v1 = 1 + (0.5-1)*3 = -0.5, v2 = 0 + 0.9*3 = 2.7.
  const float cond[3] = {0.0f, 0.5f, 0.9f}, null[3] = {0.0f, 1.0f, 0.0f};
  float out[3];
  weft::guideLogits(cond, null, 3.0f, 3, out);
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == -0.5f);
  CHECK(out[2] == doctest::Approx(2.7f));
  // Greedy through the generator: cond rows say "3", null rows say "4"; g = 3 gives 3 + 2 * (3 - 4)... by value.
  FakeRun f{[](std::int64_t, std::int64_t row, std::int64_t, std::int64_t v) {
    const bool isNull = row >= 1;  // batch 1: row 0 cond, row 1 null
    if (isNull) return v == 4 ? 2.0f : (v == 3 ? 1.0f : 0.0f);
    return v == 4 ? 1.9f : (v == 3 ? 1.5f : 0.0f);  // cond alone: 4; guided: v4 = 2 - 0.3 = 1.7, v3 = 1 + 1.5 = 2.5
  }};
  const auto codes = codesOf(R"({"text_ids": [[1]], "max_new_frames": 3, "do_sample": false})", f);
  CHECK(codes == std::vector<std::int32_t>{3, 3, 3, 3, 3, 3});
  FakeRun off{f.logit};
  CHECK(codesOf(R"({"text_ids": [[1]], "max_new_frames": 3, "do_sample": false, "guidance_scale": 1})", off) ==
        std::vector<std::int32_t>{4, 4, 4, 4, 4, 4});
}

TEST_CASE("sampling is seeded: same seed same codes, another seed other codes; top-k bounds the picks") {
  auto run = [](const std::string& o) {
    FakeRun f{noise};
    return codesOf(o, f);
  };
  const std::string base = R"({"text_ids": [[1, 2]], "max_new_frames": 12, "seed": )";
  const auto a = run(base + "7}"), b = run(base + "7}"), c = run(base + "8}");
  CHECK(a == b);
  CHECK(a != c);
  // top_k 1 is greedy whatever the seed.
  CHECK(run(base + R"(1, "top_k": 1})") == run(base + R"(2, "do_sample": false})"));
}

TEST_CASE("continuation: the prompt is pushed, encoded first and kept in the codes") {
  auto m = weft::Model::fromJson(manifest());
  auto g = m->createGenerator(R"({"text_ids": [[1]], "seconds": 1.0, "prompt_samples": 20, "do_sample": false})");
  CHECK(g->next().empty());  // waits for the audio
  float* v = g->pushView(20);
  for (int i = 0; i < 20; ++i) v[i] = 0.1f * static_cast<float>(i % 3);
  g->push(20);
  g->finish();
  FakeRun f{noise};
  drive(*g, f);
  CHECK(f.components.front() == "encodec_encode");
  CHECK(f.plans.front()["inputs"][0]["shape"] == json::array({1, 1, 20}));
  const auto codes = g->tokens();
  REQUIRE(codes.size() == 2 * 10);  // 1 s = 10 frames, 3 of them the prompt (20 samples / hop 8)
  for (int q = 0; q < 2; ++q)
    for (int t = 0; t < 3; ++t) CHECK(codes[q * 10 + t] == 5);
  CHECK(json::parse(g->statsJson())["decoder_steps"] == 10 + 1 - 3);
}

TEST_CASE("streamed chunks cover every frame once") {
  auto m = weft::Model::fromJson(manifest());
  auto g = m->createGenerator(R"({"batch": 2, "max_new_frames": 17, "stream": {"window": 4, "context": 1, "lookahead": 2, "crossfade": 1}})");
  FakeRun f{noise};
  drive(*g, f);
  CHECK(f.chunkSamples == 17 * 8);
  CHECK(g->results().size() == 2 * 17 * 8);
}

TEST_CASE("musicgen request errors say what is wrong") {
  auto m = weft::Model::fromJson(manifest());
  auto err = [&](const std::string& o) { return errorOf([&] { m->createGenerator(o); }); };
  CHECK(err(R"({"seconds": 0})") == "weft: options.seconds: the duration must be a finite number of seconds > 0 but got 0.0");
  CHECK(err(R"({"seconds": -2})") == "weft: options.seconds: the duration must be a finite number of seconds > 0 but got -2.0");
  CHECK(err(R"({"seconds": 1.0, "max_duration": 2.5})") ==
        "weft: options.max_duration: 2.50 s is beyond the model's positional limit: dims.max_positions 20 allows at "
        "most 19 frames (1.90 s) per window");
  CHECK(err(R"({"seconds": 3.0, "max_duration": 1.5, "extend_stride": 1.5})") ==
        "weft: options.extend_stride: 1.50 s must be shorter than max_duration (1.50 s)");
  CHECK(err(R"({"semantics": "torch"})") == "weft: options.semantics: must be \"transformers\" or \"audiocraft\" but got \"torch\"");
  CHECK(err(R"({"prompt_codes": [[1, 2]]})") ==
        "weft: options.prompt_codes: 1 rows but 1 prompt(s) x 2 codebooks need 2 (the codes returnCodes gave, one row per codebook)");
  CHECK(err(R"({"prompt_codes": [[1, 2], [1]]})") ==
        "weft: options.prompt_codes[1]: 1 codes but row 0 has 2 (every row needs the same frames, at least one)");
  CHECK(err(R"({"prompt_codes": [[1], [9]]})") == "weft: options.prompt_codes[1][0]: code 9 is outside [0, 8)");
  CHECK(err(R"({"prompt_codes": [[1], [2]], "prompt_samples": 20})") ==
        "weft: options.prompt_codes: give either prompt audio (prompt_samples) or prompt codes, not both");
  CHECK(err(R"({"seconds": 1.0, "prompt_samples": 120})") ==
        "weft: the prompt (1.50 s, 15 frames) is not shorter than the requested duration (1.00 s, 10 frames); seconds is the total "
        "duration, prompt included");
  CHECK(err(R"({"prompt_samples": 0})") == "weft: options.prompt_samples: the prompt audio is empty (0 samples)");
  CHECK(err(R"({"prompt_samples": 10})") ==
        "weft: options.prompt_samples: the prompt is too short: 10 samples (0.125 s at 80 Hz) but the model needs at least 16 samples "
        "(0.2 s at 80 Hz)");
  CHECK(err(R"({"text_ids": [[1], [2]], "prompt_samples": 20, "prompts": 3})") ==
        "weft: options.prompts: 3 prompts for 2 descriptions (give one prompt, shared by all, or one per description)");
  CHECK(err(R"({"text_ids": [[1, 2], [3]], "text_mask": [[1, 1]]})") == "weft: options.text_mask: 1 rows but options.text_ids has 2");
  CHECK(err(R"({"text_ids": [[1, 12]]})") == "weft: options.text_ids[0][1]: token id 12 is outside [0, 10)");
  CHECK(err(R"({"top_p": 1.5})") == "weft: options.top_p: must be in [0, 1] (0 turns it off) but got 1.5");
  CHECK(err(R"({"guidance_scale": 0.5})") ==
        "weft: options.guidance_scale: must be a finite number >= 1 (1 turns guidance off; semantics \"audiocraft\" accepts any) but got 0.5");
  CHECK_NOTHROW(m->createGenerator(R"({"guidance_scale": 0.5, "semantics": "audiocraft"})"));
  CHECK(err(R"({"prompt": 1})").find("weft: options.prompt: unknown option (options: text_ids,") == 0);

  auto g = m->createGenerator(R"({"seconds": 1.0, "prompt_samples": 20, "prompt_channels": 2})");
  float* v = g->pushView(40);
  for (int i = 0; i < 40; ++i) v[i] = i == 13 ? std::nanf("") : 0.0f;
  CHECK(errorOf([&] { g->push(40); }) == "weft: prompt audio: sample 6 (channel 1) is NaN (audio must be finite)");
  CHECK(g->done());  // a failed generator is finished and holds nothing
  auto h = m->createGenerator(R"({"seconds": 1.0, "prompt_samples": 20})");
  h->pushView(10);
  h->push(10);
  CHECK(errorOf([&] { h->finish(); }) ==
        "weft: prompt audio: finish() after 10 samples but the options announced 20 (prompts 1 x prompt_samples 20 x channels 1)");
}

TEST_CASE("musicgen with a two-tier cache: the merge runs every cache_merge_every positions and empties the recent tier") {
  std::string text = manifest(R"("prefill": "decoder_prefill")", R"("prefill": "decoder_step", "cache_merge": "decoder_cache_merge", "cache_merge_every": 2)");
  const auto swap = [&text](const std::string& from, const std::string& to) {
    const auto p = text.find(from);
    REQUIRE(p != std::string::npos);
    text.replace(p, from.size(), to);
  };
  const std::string kv = R"("count": "layers", "dtype": "float32", "shape": ["batch", "heads", )";
  swap(R"({"component": "decoder_step", "input": "past.{layer}.key", "output": "present.{layer}.key", "count": "layers",
     "axis": 2, "mode": "grow", "init_from": {"component": "decoder_prefill", "output": "present.{layer}.key"}})",
       R"({"components": ["decoder_step", "decoder_cache_merge"], "input": "past.{layer}.key", "output": "merged.{layer}.key",
     "count": "layers", "axis": 2, "mode": "grow", "init": "empty", "empty_length": 1},
    {"components": ["decoder_step", "decoder_cache_merge"], "input": "recent.{layer}.key", "output": "present.{layer}.key",
     "count": "layers", "axis": 2, "mode": "grow", "init": "empty"})");
  swap(R"({"name": "input_ids", "dtype": "int64", "shape": ["bxc", 1]})", R"({"name": "input_ids", "dtype": "int64", "shape": ["bxc", "seq"]})");
  swap(R"({"name": "past.{layer}.key", "count": "layers", "dtype": "float32", "shape": ["batch", "heads", "past", "head_dim"]}],)",
       R"({"name": "past.{layer}.key", )" + kv + R"("past", "head_dim"]}, {"name": "recent.{layer}.key", )" + kv + R"("recent", "head_dim"]}],)");
  swap(R"("merged": {)", R"("decoder_cache_merge": {"file": "c.onnx",
      "inputs": [{"name": "past.{layer}.key", )" + kv + R"("past", "head_dim"]}, {"name": "recent.{layer}.key", )" + kv + R"("recent", "head_dim"]}],
      "outputs": [{"name": "merged.{layer}.key", )" + kv + R"("total", "head_dim"]}]},
    "merged": {)");
  auto m = weft::Model::fromJson(text);
  FakeRun f{noise};
  auto g = m->createGenerator(R"({"text_ids": [[1, 2, 3]], "max_new_frames": 4, "do_sample": false})");
  drive(*g, f);
  // prompt run (1 position), step (2: merge), step, step (2: merge), step; then the decode
  CHECK(f.components == std::vector<std::string>{"text_encoder", "decoder_cross_kv", "decoder_step", "decoder_step", "decoder_cache_merge",
                                                 "decoder_step", "decoder_step", "decoder_cache_merge", "decoder_step", "encodec_decode"});
  const auto input = [&f](std::size_t plan, const std::string& name) {
    for (const json& in : f.plans[plan]["inputs"])
      if (in["name"] == name) return in;
    FAIL("plan " << plan << " has no input " << name);
    return json();
  };
  // before any merge the long tier is its one placeholder position [rows, heads, 1, head_dim]
  CHECK(input(2, "past.0.key")["shape"] == json::array({2, 1, 1, 2}));
  CHECK(input(3, "past.0.key")["shape"] == json::array({2, 1, 1, 2}));
  CHECK(input(4, "past.0.key")["shape"] == json::array({2, 1, 1, 2}));
  // the recent tier: empty for the prompt's run and after each merge, else the slot
  CHECK(input(2, "recent.0.key")["shape"] == json::array({2, 1, 0, 2}));
  CHECK(input(3, "recent.0.key") == json::parse(R"({"name":"recent.0.key","slot":2})"));
  CHECK(input(4, "recent.0.key") == json::parse(R"({"name":"recent.0.key","slot":2})"));
  CHECK(input(5, "recent.0.key")["shape"] == json::array({2, 1, 0, 2}));
  CHECK(input(5, "past.0.key") == json::parse(R"({"name":"past.0.key","slot":1})"));
  CHECK(input(6, "recent.0.key") == json::parse(R"({"name":"recent.0.key","slot":2})"));
  CHECK(input(8, "recent.0.key")["shape"] == json::array({2, 1, 0, 2}));
  CHECK(f.plans[4]["outputs"] == json::parse(R"([{"name":"merged.0.key","slot":1}])"));
  CHECK(f.plans[3]["outputs"][1] == json::parse(R"({"name":"present.0.key","slot":2})"));
}

// The manifest above with a step graph over an in-place cache for WebGPU only.
std::string inPlaceManifest() {
  std::string text = manifest();
  const auto swap = [&text](const std::string& from, const std::string& to) {
    const auto p = text.find(from);
    REQUIRE(p != std::string::npos);
    text.replace(p, from.size(), to);
  };
  const std::string kv = R"("count": "layers", "dtype": "float32", "shape": ["batch", "heads", )";
  swap(R"("merged": {)", R"("decoder_step_inplace": {"file": "i.onnx", "backends": ["webgpu"],
      "inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["bxc", "seq"]},
                 {"name": "encoder_attention_mask", "dtype": "int64", "shape": ["batch", "enc_seq"]},
                 {"name": "position_ids", "dtype": "int64", "shape": ["seq"]},
                 {"name": "seqlens_k", "dtype": "int32", "shape": ["batch"]},
                 {"name": "total_sequence_length", "dtype": "int32", "shape": []},
                 {"name": "cross.{layer}.key", )" + kv + R"("enc_seq", "head_dim"]},
                 {"name": "cache.{layer}.key", )" + kv + R"("capacity", "head_dim"]}],
      "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", "codebooks", "vocab"]},
                  {"name": "present.{layer}.key", )" + kv + R"("capacity", "head_dim"]}]},
    "merged": {)");
  swap(R"("components": ["decoder_prefill", "decoder_step"], "input": "cross.{layer}.key")",
       R"("components": ["decoder_prefill", "decoder_step", "decoder_step_inplace"], "input": "cross.{layer}.key")");
  swap(R"("state": [)", R"("state": [
    {"component": "decoder_step_inplace", "input": "cache.{layer}.key", "output": "present.{layer}.key", "count": "layers",
     "axis": 2, "mode": "in_place", "init": "zeros"},)");
  swap(R"("step": "decoder_step",)", R"("step": "decoder_step", "step_in_place": "decoder_step_inplace",)");
  swap(R"("logits": "logits",)", R"("logits": "logits", "positions": "position_ids", "seqlens": "seqlens_k", "total_length": "total_sequence_length",)");
  return text;
}

bool used(const weft::Model& m, const std::string& component) {
  for (const json& c : json::parse(m.componentsJson()))
    if (c["name"] == component) return c["used"];
  FAIL("no component " << component);
  return false;
}

TEST_CASE("musicgen on a backend the in-place step runs on: one graph for prompt and steps, the positions fed, the cache sized once") {
  const std::string options = R"({"text_ids": [[1, 2, 3]], "max_new_frames": 4, "do_sample": false})";
  std::vector<std::int32_t> tiers;
  {
    auto m = weft::Model::fromJson(inPlaceManifest());
    CHECK(used(*m, "decoder_step_inplace"));  // backend not known yet: every graph may be needed
    m->setBackend("wasm");
    CHECK_FALSE(used(*m, "decoder_step_inplace"));
    CHECK(used(*m, "decoder_step"));
    CHECK(used(*m, "decoder_prefill"));
    FakeRun f{noise};
    auto g = m->createGenerator(options);
    const json unused = json::parse(g->slotsJson())[0];  // the in-place slot: nothing to hold
    CHECK(unused["shape"] == json::array({2, 1, 0, 2}));
    CHECK(unused["used"] == false);
    drive(*g, f);
    CHECK(f.components == std::vector<std::string>{"text_encoder", "decoder_cross_kv", "decoder_prefill", "decoder_step", "decoder_step",
                                                   "decoder_step", "decoder_step", "encodec_decode"});
    tiers = g->tokens();
  }
  auto m = weft::Model::fromJson(inPlaceManifest());
  m->setBackend("webgpu");
  CHECK(used(*m, "decoder_step_inplace"));
  CHECK_FALSE(used(*m, "decoder_step"));
  CHECK_FALSE(used(*m, "decoder_prefill"));
  FakeRun f{noise};
  auto g = m->createGenerator(options);
  // 4 frames + delay 1 + 1: the columns the window feeds
  const json slot = json::parse(g->slotsJson())[0];
  CHECK(slot["shape"] == json::array({2, 1, 6, 2}));
  CHECK(slot["in_place"] == true);
  CHECK_FALSE(slot.contains("used"));
  CHECK(json::parse(g->slotsJson())[2]["used"] == false);  // the two-tier step's own cache
  drive(*g, f);
  CHECK(f.components == std::vector<std::string>{"text_encoder", "decoder_cross_kv", "decoder_step_inplace", "decoder_step_inplace",
                                                 "decoder_step_inplace", "decoder_step_inplace", "decoder_step_inplace", "encodec_decode"});
  // total positions after each run, then total - 1 per row (cond, null)
  CHECK(f.positions == std::vector<std::vector<std::int32_t>>{{1, 0, 0}, {2, 1, 1}, {3, 2, 2}, {4, 3, 3}, {5, 4, 4}});
  CHECK(f.positionIds == std::vector<std::vector<std::int64_t>>{{0}, {1}, {2}, {3}, {4}});
  CHECK(f.plans[3]["outputs"][1] == json::parse(R"({"name":"present.0.key","slot":0})"));
  // onnxruntime reads total_sequence_length in host memory: the one host input a device run keeps there
  for (const json& in : f.plans[3]["inputs"])
    if (in.contains("host")) CHECK(in.value("on_host", false) == (in["name"] == "total_sequence_length"));
  for (const json& c : json::parse(m->componentsJson()))  // updates a slot in place: runs stay on the device
    CHECK(c.value("resident", false) == (c["name"] == "decoder_step_inplace"));
  CHECK(g->tokens() == tiers);  // the same logits give the same codes whichever cache holds the positions
}

TEST_CASE("in-place state and component backends: manifest errors name the field") {
  using weft::Model;
  const auto with = [](const std::string& from, const std::string& to) {
    std::string text = inPlaceManifest();
    const auto p = text.find(from);
    REQUIRE(p != std::string::npos);
    text.replace(p, from.size(), to);
    return text;
  };
  CHECK(errorOf([&] { Model::fromJson(with(R"("mode": "in_place", "init": "zeros")", R"("mode": "in_place", "init": "empty")")); }) ==
        "weft: weft.json: state[0].init: mode \"in_place\" needs init \"zeros\" (the generator sizes the cache)");
  CHECK(errorOf([&] { Model::fromJson(with(R"("axis": 2, "mode": "in_place")", R"("mode": "in_place")")); }) ==
        "weft: weft.json: state[0].axis: missing required field (needed by modes \"grow\", \"in_place\" and init \"empty\")");
  CHECK(errorOf([&] { Model::fromJson(with(R"("backends": ["webgpu"])", R"("backends": ["gpu"])")); }) ==
        "weft: weft.json: components.decoder_step_inplace.backends[0]: expected one of webgpu, wasm, cpu but got \"gpu\"");
  CHECK(errorOf([&] { Model::fromJson(with(R"("backends": ["webgpu"])", R"("backends": [])")); }) ==
        "weft: weft.json: components.decoder_step_inplace.backends: expected at least one backend");
}
