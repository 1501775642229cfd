// Token sampling, exactly as docs/SAMPLING.md specifies it, so that native, WASM and the NumPy
// reference draw the same token for the same logits, parameters and seed.
//
// Zero-copy use from JS (see src/bindings/embind.cpp): `sampler.logitsView(n)` returns a
// Float32Array view of n floats inside the sampler; JS writes the logits there and calls
// `sampler.sample(n)`. The view aliases WASM memory and is invalidated by the next core call.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator_type.h"
#include "weft/rng.h"

namespace weft {

struct SamplingParams {
  bool do_sample = false;
  double temperature = 1.0;
  std::int64_t top_k = 0;
  double top_p = 1.0;
  double min_p = 0.0;
  double repetition_penalty = 1.0;

  bool greedy() const { return !do_sample || temperature == 0.0; }
};

// Overrides fields of `base` with those present in `obj` (keys do_sample, temperature, top_k,
// top_p, min_p, repetition_penalty; other keys are ignored here) and validates the result.
// Errors read "<prefix><path>.<field>: ...".
SamplingParams parseSamplingParams(const nlohmann::ordered_json& obj, SamplingParams base,
                                   const std::string& prefix, const std::string& path);
// The options-schema entries of the named sampling fields (do_sample, temperature, top_k, top_p,
// min_p, repetition_penalty), with `defaults` as their built-in defaults.
std::vector<OptionSpec> samplingOptionSpecs(const SamplingParams& defaults, const std::vector<std::string>& names);

// logits of the guided row for classifier-free guidance: null + (cond - null) * g in float32, as
// transformers' ClassifierFreeGuidanceLogitsProcessor computes it (so greedy picks are identical).
void guideLogits(const float* cond, const float* null, float g, std::size_t n, float* out);

// Throws weft::Error naming the first invalid field.
void validateSamplingParams(const SamplingParams& p, const std::string& prefix,
                            const std::string& path);

// Reusable scratch space so that sampling does not allocate per token.
struct SamplingScratch {
  std::vector<double> logits, weights, probs;
  std::vector<float> probs32;  // audiocraft's rule keeps torch's float32 probabilities
  std::vector<std::int32_t> kept, order;
  std::vector<char> seen;
};

// One token from one row of float32 logits (length vocab). `context` holds the token ids the
// repetition penalty applies to. Draws exactly one uniform from `rng` unless greedy.
// Throws weft::Error("logits[i] is NaN") (or +Inf / -Inf) naming the first bad index.
std::int32_t sampleToken(const float* logits, std::size_t vocab, const SamplingParams& params,
                         const std::vector<std::int32_t>& context, SplitMix64& rng,
                         SamplingScratch& scratch);

// Step 1 of the spec: the row as doubles in `out`, or weft::Error naming the first NaN / Inf.
void checkedLogits(const float* logits, std::size_t vocab, std::vector<double>& out);

// A stateful sampler: its repetition-penalty context is the tokens it has returned so far.
class Sampler {
 public:
  Sampler(const SamplingParams& params, std::uint64_t seed) : params_(params), rng_(seed) {}
  std::int32_t sample(const float* logits, std::size_t vocab);
  // Buffer owned by the sampler for zero-copy input (resized to n floats).
  float* logitsBuffer(std::size_t n) {
    buffer_.resize(n);
    return buffer_.data();
  }
  const std::vector<float>& buffer() const { return buffer_; }
  const std::vector<std::int32_t>& history() const { return history_; }

 private:
  SamplingParams params_;
  SplitMix64 rng_;
  SamplingScratch scratch_;
  std::vector<float> buffer_;
  std::vector<std::int32_t> history_;
};

}  // namespace weft
