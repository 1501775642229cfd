// Autoregressive decoder (generator type "decoder"): one prefill run over the whole prompt, then
// one run per new token, with KV caches carried in state slots. Options (their schema is
// decoderGeneratorType().options; merged over the manifest's `generation`, then the built-in
// defaults): prompt ids, max_new_tokens, sampling (do_sample, temperature, top_k, top_p, min_p,
// repetition_penalty), seed (number or decimal string), eos_token_id (int | [ints] | null).
// tokens() are the generated ids (not the prompt), including the EOS token when one stops it
// (as Hugging Face's generate does).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator.h"
#include "weft/generator_type.h"
#include "weft/sampling.h"

namespace weft {

struct DecoderOptions {
  std::vector<std::int32_t> prompt;
  std::int64_t max_new_tokens = 64;
  SamplingParams sampling;
  std::uint64_t seed = 0;
  std::vector<std::int64_t> eos;
};

// What a decoder manifest fixes: the vocabulary (the logits' last dim) and the request defaults,
// built-in ones overridden by the manifest's `generation` (errors name "weft.json: generation.x").
struct DecoderSpec : GeneratorSpecBase {
  std::int64_t vocab = 0;
  DecoderOptions defaults;
  void describe(nlohmann::ordered_json& generator, nlohmann::ordered_json& generation) const override;
};

const GeneratorType& decoderGeneratorType();

class DecoderGenerator : public Generator {
 public:
  DecoderGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<std::int32_t>& tokens() const override { return generated_; }
  const DecoderOptions& options() const { return opt_; }
  std::int64_t vocab() const { return vocab_; }

 protected:
  std::optional<Plan> makePlan() override;
  int onAccept() override;
  bool isDone() const override { return finished_; }
  void release() override;
  void addStats(nlohmann::ordered_json& stats) const override;
  const char* kind() const override { return "decoder"; }

 private:
  DecoderOptions opt_;
  std::int64_t vocab_ = 0;
  bool finished_ = false;
  Plan plan_;  // template; host input shapes are filled per step
  int idsHost_ = -1, maskHost_ = -1, posHost_ = -1, logitsHost_ = -1;
  std::int64_t total_ = 0;  // positions fed so far
  std::vector<std::int32_t> generated_, context_;
  SplitMix64 rng_;
  SamplingScratch scratch_;
};

}  // namespace weft
