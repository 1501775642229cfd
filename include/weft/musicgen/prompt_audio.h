// The prompt audio of a MusicGen continuation: `prompts` clips of `prompt_samples` frames with
// `prompt_channels` interleaved channels at `prompt_sample_rate`, pushed through the shared sample
// intake, then mixed down to mono and resampled to the model's rate the way audiocraft's
// convert_audio does it (channels first, then rate). Every duration error is raised by the
// constructor, before any audio is pushed.
#pragma once
#include <cstdint>
#include <optional>

#include "weft/audio/resample.h"
#include "weft/budgets.h"
#include "weft/musicgen/options.h"
#include "weft/sample_intake.h"

namespace weft {

class PromptAudio {
 public:
  // The announced samples are checked against `budgets` before anything is allocated.
  PromptAudio(const MusicgenOptions& options, const MusicgenSpec& spec, const Budgets& budgets);

  std::int64_t samplesPerPrompt() const { return modelSamples_; }  // at the model's rate
  std::int64_t frames() const { return frames_; }                   // EnCodec frames per prompt

  float* view(std::size_t n) { return intake_.view(n); }
  void push(std::size_t n);
  void finish();  // throws unless exactly the announced samples arrived
  bool ready() const { return intake_.finished(); }
  // Writes prompts x samplesPerPrompt() mono samples at the model's rate, then drops the input.
  void writeMono(float* out);
  void release() { intake_.release(); }

 private:
  std::string countText() const;  // "(prompts P x prompt_samples S x channels C)"

  std::int64_t prompts_, samples_, channels_, modelSamples_ = 0, frames_ = 0;
  std::size_t expected_ = 0;  // interleaved samples announced
  std::optional<Resampler> resampler_;  // prompt rate -> model rate, when they differ
  SampleIntake intake_;
};

}  // namespace weft
