// Pocket TTS on the step machine (type "pocket_tts"; docs/POCKET_TTS.md, "The generator").
//
// Speak: [stored voice through push → one flow_lm run over its conditioning, whose K/V the core
// keeps] → per text chunk: text_embedder → flow_lm prefill from the voice's K/V → one flow_lm step
// per frame (BOS latent first, then the previous latent; noise from the seeded normal stream)
// with the EOS rules and the frame cap → each frame decoded by mimi_decoder as soon as it exists
// (its state restarted per chunk, the first samples faded in).
// Voice: clip through push → voice_encoder → the stored voice (voice.h) as the result.
//
// Results: accept() returns the count of new values, which results() then holds: samples of one
// decoded frame, or (voice mode) the stored voice's bytes as float32 words.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator.h"
#include "weft/generator_type.h"
#include "weft/normal.h"
#include "weft/pocket_tts/spec.h"
#include "weft/pocket_tts/text.h"
#include "weft/pocket_tts/voice.h"
#include "weft/rng.h"

namespace weft {

const GeneratorType& pocketTtsGeneratorType();

class PocketTtsGenerator : public Generator {
 public:
  PocketTtsGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<float>& results() const override { return results_; }

 protected:
  std::optional<Plan> makePlan() override;
  int onAccept() override;
  bool isDone() const override { return phase_ == Phase::Done; }
  float* onPushView(std::size_t n) override;
  void onPush(std::size_t n) override;
  void onFinish() override;
  void release() override;
  void addStats(nlohmann::ordered_json& stats) const override;
  const char* kind() const override { return "pocket_tts"; }

 private:
  enum class Phase { Input, Encode, VoicePrefill, Embed, Prefill, Step, Decode, Done };

  struct Hosts {
    int tokens = -1, embeddings = -1, conditioning = -1, previous = -1, noise = -1;
    int nextLatent = -1, eos = -1, latent = -1, audio = -1, clip = -1, voice = -1;
  };
  struct Plans {
    Plan embed, flow, decode, encode;
  };

  void buildPlans();
  void buildStateFeeds(const std::string& flow, const std::string& decoder);
  void checkKnownCharacters(const Tokenizer& tok) const;
  void startChunk();
  Plan encodePlan();
  Plan flowPlan(int conditioning, std::int64_t conditioningPositions, std::int64_t latents, bool fromVoice, bool toVoice);
  Plan embedPlan();
  Plan decodePlan();
  void drawNoise();
  int acceptEncode();
  void acceptStep();
  int acceptDecode();
  void endChunk();

  const PocketTtsSpec& spec_;
  PocketTtsOptions opt_;
  std::vector<pocket_tts::TextChunk> chunks_;
  std::size_t chunk_ = 0;
  Phase phase_ = Phase::Embed;
  Hosts h_;
  Plans plans_;
  std::vector<int> flowSlots_, mimiSlots_;  // state slot indices each component reads
  std::vector<int> voiceKv_, emptyKv_, mimiZeros_;  // host buffers per slot (index into the lists above)
  std::int64_t voicePositions_ = 0;
  std::optional<VoiceClip> clip_;
  // A stored voice arrives through push as float32 words (its bytes, copied as they are).
  std::vector<float> voiceWords_;
  std::size_t voiceFill_ = 0;
  SplitMix64 rng_;
  NormalSampler normal_;
  double noiseScale_ = 0.0;
  // The running chunk.
  std::int64_t step_ = 0, maxFrames_ = 0, framesAfterEos_ = 0, decodedInChunk_ = 0;
  std::optional<std::int64_t> eosStep_;
  // Totals, for stats.
  std::int64_t frames_ = 0, samples_ = 0, capped_ = 0, flowRuns_ = 0;
  std::vector<float> results_;
};

}  // namespace weft
