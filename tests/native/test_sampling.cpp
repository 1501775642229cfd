#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "weft/error.h"
#include "weft/sampling.h"

using weft::SamplingParams;

namespace {

SamplingParams sampled(double temperature = 1.0) {
  SamplingParams p;
  p.do_sample = true;
  p.temperature = temperature;
  return p;
}

int draw(const std::vector<float>& logits, const SamplingParams& p, std::uint64_t seed,
         const std::vector<std::int32_t>& context = {}) {
  weft::SplitMix64 rng(seed);
  weft::SamplingScratch s;
  return weft::sampleToken(logits.data(), logits.size(), p, context, rng, s);
}

// Which tokens can be drawn at all: the kept set after every filter.
std::set<int> reachable(const std::vector<float>& logits, const SamplingParams& p) {
  std::set<int> r;
  for (std::uint64_t seed = 0; seed < 400; ++seed) r.insert(draw(logits, p, seed));
  return r;
}

}  // namespace

TEST_CASE("greedy picks the lowest index holding the maximum and draws no uniform") {
  weft::SplitMix64 rng(99);
  weft::SamplingScratch s;
  const std::vector<float> l = {1, 3, 3, 2};
  CHECK(weft::sampleToken(l.data(), 4, SamplingParams{}, {}, rng, s) == 1);
  CHECK(rng.state() == 99);
  // temperature 0 is greedy even with do_sample
  CHECK(weft::sampleToken(l.data(), 4, sampled(0.0), {}, rng, s) == 1);
  CHECK(rng.state() == 99);
}

TEST_CASE("inverse-CDF draw on uniform logits follows the SplitMix64 uniforms") {
  // Equal logits: every e_i = weft_exp(0) = 1, C_total = 4, token = floor(u * 4).
  // u for seed 1234567: 0.3500.., 0.1736.., 0.5322.., 0.2490.., 0.8895.. (from the reference
  // outputs >> 11, times 2^-53) -> tokens 1, 0, 2, 0, 3.
  weft::Sampler s(sampled(), 1234567);
  const std::vector<float> l(4, 0.5f);
  std::vector<int> got;
  for (int i = 0; i < 5; ++i) got.push_back(s.sample(l.data(), l.size()));
  CHECK(got == std::vector<int>{1, 0, 2, 0, 3});
}

TEST_CASE("top-k keeps every token tied with the k-th value") {
  SamplingParams p = sampled();
  p.top_k = 1;
  const std::vector<float> l = {0, 5, 5, 0};
  CHECK(reachable(l, p) == std::set<int>{1, 2});
  // Kept {1, 2} with equal weights: token 1 iff u < 0.5. Seed 1234567 gives u = 0.35, 0.17, 0.53.
  weft::Sampler s(p, 1234567);
  CHECK(s.sample(l.data(), 4) == 1);
  CHECK(s.sample(l.data(), 4) == 1);
  CHECK(s.sample(l.data(), 4) == 2);
  p.top_k = 2;
  CHECK(reachable({3, 1, 2, 1}, p) == std::set<int>{0, 2});
  p.top_k = 4;  // k >= V disables top-k
  CHECK(reachable({0, 0, 0, 0}, p) == std::set<int>{0, 1, 2, 3});
}

TEST_CASE("top-p keeps the smallest prefix reaching top_p, ties by index") {
  SamplingParams p = sampled();
  // Four equal logits: p_i = 1/4 exactly; c reaches 0.5 exactly after tokens 0 and 1.
  p.top_p = 0.5;
  CHECK(reachable({1, 1, 1, 1}, p) == std::set<int>{0, 1});
  p.top_p = 0.51;
  CHECK(reachable({1, 1, 1, 1}, p) == std::set<int>{0, 1, 2});
  // p ~ (0.468, 0.468, 0.063, ~0): 0.9 is reached after two tokens, 0.95 needs the third.
  p.top_p = 0.9;
  CHECK(reachable({2, 2, 0, -100}, p) == std::set<int>{0, 1});
  p.top_p = 0.95;
  CHECK(reachable({2, 2, 0, -100}, p) == std::set<int>{0, 1, 2});
  // The most probable token is always kept.
  p.top_p = 1e-9;
  CHECK(reachable({0, 3, 1, 2}, p) == std::set<int>{1});
}

TEST_CASE("min-p keeps tokens with p >= min_p * p_max") {
  SamplingParams p = sampled();
  // Relative to the max: token 2 has e^-1 = 0.368, token 3 has e^-10 = 4.5e-5.
  p.min_p = 0.3;
  CHECK(reachable({0, 0, -1, -10}, p) == std::set<int>{0, 1, 2});
  p.min_p = 0.5;
  CHECK(reachable({0, 0, -1, -10}, p) == std::set<int>{0, 1});
  p.min_p = 1.0;
  CHECK(reachable({0, 0, -1, -10}, p) == std::set<int>{0, 1});
}

TEST_CASE("repetition penalty divides positive and multiplies negative logits, once per id") {
  SamplingParams p;
  p.repetition_penalty = 2.0;
  // Token 0 repeated twice in the context is penalised once: 2.0 -> 1.0 > 0.9 (twice would be 0.5).
  CHECK(draw({2.0f, 0.9f, 0, 0}, p, 0, {0, 0}) == 0);
  // Positive: 2.0 / 2 = 1.0 < 1.5.
  CHECK(draw({2.0f, -1.0f, 1.0f, 1.5f}, p, 0, {0, 1}) == 3);
  // Negative: -1 * 2 = -2 < -1.5.
  CHECK(draw({-1.0f, -1.5f, -3.0f, -4.0f}, p, 0, {0}) == 1);
  // Ids outside the vocabulary are ignored.
  CHECK(draw({2.0f, 1.0f}, p, 0, {7, -1}) == 0);
  // A Sampler's context is what it returned so far.
  weft::Sampler s(p, 0);
  const std::vector<float> l = {3.0f, 2.0f, 0.5f};
  CHECK(s.sample(l.data(), 3) == 0);  // 3 vs 2
  CHECK(s.sample(l.data(), 3) == 1);  // 1.5 vs 2
  CHECK(s.sample(l.data(), 3) == 0);  // 1.5 vs 1 (1 was penalised too)
}

TEST_CASE("NaN and Inf logits fail naming the index") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH_AS(draw({0, nan, inf}, SamplingParams{}, 0), "weft: logits[1] is NaN", weft::Error);
  CHECK_THROWS_WITH_AS(draw({0, 1, -inf}, sampled(), 0), "weft: logits[2] is -Inf", weft::Error);
  CHECK_THROWS_WITH_AS(draw({inf}, sampled(), 0), "weft: logits[0] is +Inf", weft::Error);
}

TEST_CASE("sampling parameters are validated") {
  auto parse = [](const char* j) {
    return weft::parseSamplingParams(nlohmann::ordered_json::parse(j), SamplingParams{}, "", "options");
  };
  CHECK(parse(R"({"top_k": 5, "do_sample": true})").top_k == 5);
  CHECK_THROWS_WITH(parse(R"({"temperature": -1})"), "weft: options.temperature: must be a finite number >= 0 but got -1.0");
  CHECK_THROWS_WITH(parse(R"({"top_p": 0})"), "weft: options.top_p: must be in (0, 1] but got 0.0");
  CHECK_THROWS_WITH(parse(R"({"top_p": 1.5})"), "weft: options.top_p: must be in (0, 1] but got 1.5");
  CHECK_THROWS_WITH(parse(R"({"min_p": -0.1})"), "weft: options.min_p: must be in [0, 1] but got -0.1");
  CHECK_THROWS_WITH(parse(R"({"repetition_penalty": 0})"), "weft: options.repetition_penalty: must be a finite number > 0 but got 0.0");
  CHECK_THROWS_WITH(parse(R"({"top_k": -1})"), "weft: options.top_k: must be >= 0 (0 disables top-k) but got -1");
  CHECK_THROWS_WITH(parse(R"({"do_sample": 1})"), "weft: options.do_sample: expected true or false but got 1");
}
