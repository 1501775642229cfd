// MusicGen on the step machine (docs/MUSICGEN.md, "The browser generator"): text → T5 encoder →
// cross-attention K/V once ([cond; null] for classifier-free guidance, the null branch a zero
// context with a zero mask) → optional prompt audio → EnCodec encoder → prompt codes → ONE
// decoder_prefill run over the delay pattern's prefix → one decoder_step run per column →
// revert the pattern → EnCodec decoder. Options: weft/musicgen/options.h.
//
// With a cache_merge component the self-attention cache is two tiers of state slots: the step
// grows a short recent tier, and every cache_merge_every positions one cache_merge run appends
// it to the long tier, which leaves the recent tier empty (docs/MUSICGEN.md).
//
// Prompt audio (continuation) arrives through the stream input: pushView(n) / push(n), then
// finish(); `prompts` × `prompt_samples` frames of `prompt_channels` interleaved channels at
// `prompt_sample_rate`, mixed down to mono and resampled to the model's rate before encoding.
//
// Results: accept() returns the samples per item of a new streamed chunk (0 otherwise), which
// results() then holds ([batch, n]); once done(), results() is the one-shot decode of every frame
// ([batch, T * hop]) and tokens() the codes ([batch, codebooks, T], when return_codes).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/audio/resample.h"
#include "weft/generator.h"
#include "weft/musicgen/delay_pattern.h"
#include "weft/musicgen/options.h"
#include "weft/musicgen/stream_decode.h"
#include "weft/rng.h"
#include "weft/sampling.h"

namespace weft {

// logits of the guided row: null + (cond - null) * g in float32, as transformers'
// ClassifierFreeGuidanceLogitsProcessor computes it (so greedy picks are identical).
void guideLogits(const float* cond, const float* null, float g, std::size_t n, float* out);

class MusicgenGenerator : public Generator {
 public:
  MusicgenGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<std::int32_t>& tokens() const override { return codes_; }
  const std::vector<float>& results() const override { return *shown_; }


 protected:
  std::optional<Plan> makePlan() override;
  int onAccept() override;
  bool isDone() const override { return phase_ == Phase::Done; }
  float* onPushView(std::size_t n) override;
  void onPush(std::size_t n) override;
  void onFinish() override;
  void release() override;
  void addStats(nlohmann::ordered_json& stats) const override;
  const char* kind() const override { return "musicgen"; }

 private:
  enum class Phase { Prompt, Text, Cross, Prefill, Step, Final, Done };
  enum class Run { None, Prompt, Text, Cross, Prefill, Step, Merge, Window, Final };

  void buildPatterns(const std::int64_t* promptCodes);
  Plan withEmptyCache(Plan plan) const;
  void markSlots(const Plan& plan, bool drainsInputs);
  void fillIds(std::int64_t from, std::int64_t to);
  Plan decodePlan(std::int64_t lo, std::int64_t hi);
  void sampleColumn();
  void preparePrompt();

  MusicgenSpec spec_;
  MusicgenOptions opt_;
  SamplingParams sampling_;
  std::int64_t B_ = 1, branches_ = 1, L_ = 1, frames_ = 0, promptFrames_ = 0, promptLen_ = 0;
  std::int64_t next_ = 0, stepsDone_ = 0, stepsTotal_ = 0;
  Phase phase_ = Phase::Text;
  Run pending_ = Run::None;
  std::pair<std::int64_t, std::int64_t> window_{0, 0};

  Plan textPlan_, crossPlan_, promptPlan_, prefillPlan_, stepPlan_, mergePlan_, decodeTemplate_;
  // Per state slot: holds no positions yet (before the prompt's run; the recent tier after a
  // merge). Such a slot is fed a host buffer of its empty_length zero positions, shaped
  // [rows, heads, empty_length, head_dim], since its initial tensor has batch 1.
  std::vector<char> slotEmpty_;
  struct EmptyFeed { int host = -1; std::vector<std::int64_t> shape; };
  std::vector<EmptyFeed> emptyFeeds_;  // per slot (grow slots with init "empty" only)
  std::int64_t recentLen_ = 0, pendingSeq_ = 0;  // positions in the recent tier; columns in flight
  int textIds_ = -1, textMask_ = -1, hidden_ = -1, crossStates_ = -1, encMask_ = -1, promptAudio_ = -1,
      promptCodes_ = -1, ids_ = -1, logits_ = -1, codesIn_ = -1, audioOut_ = -1;

  std::optional<Resampler> resampler_;  // prompt rate -> model rate, when they differ
  std::vector<float> pcm_;  // pushed prompt samples (interleaved), until finish()
  std::size_t reserved_ = 0, pushed_ = 0, expected_ = 0;
  bool inputDone_ = false;

  std::vector<DelayPattern> patterns_;  // one per item
  SplitMix64 rng_;
  SamplingScratch scratch_;
  std::vector<float> guided_;
  const std::vector<std::int32_t> noContext_;
  std::optional<StreamDecoder> stream_;
  std::int64_t chunks_ = 0;
  std::vector<float> audio_;
  std::vector<std::int32_t> codes_;
  const std::vector<float>* shown_ = &audio_;
};

}  // namespace weft
