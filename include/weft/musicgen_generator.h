// MusicGen on the step machine (type "musicgen"; docs/MUSICGEN.md, "The browser generator"). A
// phase machine: [prompt audio → EnCodec encoder → prompt codes] → text → T5 encoder → cross-
// attention K/V once ([cond; null] rows for classifier-free guidance, the null branch a zero
// context with a zero mask) → ONE prefill run over the delay pattern's prefix → one step run per
// column (with cache merges, slot_cache.h) → revert the pattern → EnCodec decoder. Streamed
// windows are decoded as soon as their frames are complete. Options: weft/musicgen/options.h.
//
// Prompt audio (continuation) arrives through the stream input: pushView(n) / push(n), then
// finish() (weft/musicgen/prompt_audio.h).
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

#include "weft/generator.h"
#include "weft/generator_type.h"
#include "weft/musicgen/delay_pattern.h"
#include "weft/musicgen/windows.h"
#include "weft/musicgen/options.h"
#include "weft/musicgen/prompt_audio.h"
#include "weft/musicgen/stream_decode.h"
#include "weft/rng.h"
#include "weft/sampling.h"
#include "weft/slot_cache.h"

namespace weft {

const GeneratorType& musicgenGeneratorType();

class MusicgenGenerator : public Generator {
 public:
  MusicgenGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<std::int32_t>& tokens() const override { return codes_; }
  const std::vector<float>& results() const override { return *shown_; }
  std::int64_t batchRows() const override { return branches_ * batch_; }
  std::int64_t cacheCapacity() const override { return inPlace_ ? capacity_ : 0; }

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
  enum class Phase { Prompt, Text, Cross, Prefill, Step, Final, Done };  // what runs next
  enum class Run { None, Prompt, Text, Cross, Prefill, Step, Merge, Window, Final };  // in flight

  struct Hosts {  // host buffer indices
    int textIds = -1, textMask = -1, textStates = -1, crossStates = -1, crossMask = -1;
    int promptAudio = -1, promptCodes = -1, ids = -1, logits = -1, codesIn = -1, audioOut = -1;
    int positions = -1, seqlens = -1, total = -1;  // the in-place cache's positions
  };
  struct Plans {  // templates; host input shapes are set once or per run
    Plan prompt, text, cross, prefill, step, merge, decode;
  };

  void buildPlans();
  void chooseCache();
  Plan withPositions(Plan p, std::int64_t added);
  void planWindows();
  void startWindow(const std::int64_t* promptCodes, std::int64_t prompts);
  void finishWindow();
  std::int64_t completeFrames() const;
  void songCodes(std::int64_t item, std::int64_t lo, std::int64_t hi, std::int64_t* out) const;
  PromptAudio& prompt(const char* what);

  Plan textPlan();
  Plan crossPlan();
  Plan prefillPlan();
  Plan stepPlan();
  std::optional<Plan> windowPlan();
  Plan decodePlan(std::int64_t lo, std::int64_t hi);
  void fillIds(std::int64_t from, std::int64_t to);

  void acceptPrompt();
  void acceptText();
  void acceptCross();
  void acceptColumn();
  int acceptWindow();
  void acceptFinal();
  void sampleColumn();

  const MusicgenSpec& spec_;
  MusicgenOptions opt_;
  SamplingParams sampling_;
  std::int64_t batch_ = 1, branches_ = 1, textLength_ = 1;  // items, [cond; null] branches, text tokens
  std::int64_t frames_ = 0, promptFrames_ = 0;  // of the whole song; of the user's prompt
  std::vector<GenerationWindow> windows_;
  std::int64_t window_ = 0;  // the running one of windows_
  std::vector<std::int64_t> song_;  // [batch, codebooks, frames_]: the codes of finished windows
  std::int64_t column_ = 0;  // the next column of the delay pattern to predict
  std::int64_t columnsInFlight_ = 0;  // positions the running prefill / step adds to the cache
  std::int64_t stepsDone_ = 0, stepsTotal_ = 0;
  Phase phase_ = Phase::Text;
  Run running_ = Run::None;
  std::pair<std::int64_t, std::int64_t> decoding_{0, 0};  // the frames a decode run covers

  Hosts h_;
  Plans plans_;
  std::optional<SlotCache> cache_;  // the cache in slots that grow (not in place)
  // The cache in place (step_in_place on a backend it runs on): one fixed-capacity tensor per
  // layer the step graph updates itself; the core only counts its positions.
  bool inPlace_ = false;
  std::int64_t capacity_ = 0, cached_ = 0;
  std::optional<PromptAudio> prompt_;
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
