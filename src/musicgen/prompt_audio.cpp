#include "weft/musicgen/prompt_audio.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "json_util.h"
#include "weft/audio/mixdown.h"
#include "weft/error.h"

namespace weft {

namespace {

std::string samplesText(std::int64_t n, std::int64_t rate) {
  return std::to_string(n) + " samples (" + json_util::num(std::round(1000.0 * static_cast<double>(n) / static_cast<double>(rate)) / 1000.0) +
         " s at " + std::to_string(rate) + " Hz)";
}

// "sample 6 (channel 1) of prompt 2 is NaN": positions within the prompt the caller passed.
std::string nonFiniteText(std::uint64_t k, bool nan, std::int64_t samples, std::int64_t channels, std::int64_t prompts) {
  const std::uint64_t C = static_cast<std::uint64_t>(channels), perPrompt = static_cast<std::uint64_t>(samples) * C;
  return "prompt audio: sample " + std::to_string((k % perPrompt) / C) + (C > 1 ? " (channel " + std::to_string(k % C) + ")" : "") +
         (prompts > 1 ? " of prompt " + std::to_string(k / perPrompt) : "") + " is " + (nan ? "NaN" : "infinite") + " (audio must be finite)";
}

}  // namespace

PromptAudio::PromptAudio(const MusicgenOptions& o, const MusicgenSpec& spec, const Budgets& budgets)
    : prompts_(o.prompts), samples_(o.promptSamples), channels_(o.promptChannels),
      intake_("musicgen generator", [s = o.promptSamples, c = o.promptChannels, p = o.prompts](std::uint64_t k, bool nan) {
        return nonFiniteText(k, nan, s, c, p);
      }) {
  budgets.checkElements("options.prompt_samples: the prompt audio (prompts x samples x channels)", {prompts_, samples_, channels_});
  modelSamples_ = samples_;
  if (o.promptRate != spec.sampleRate) {
    if (o.promptRate > kResampleMaxRate)
      throw Error("options.prompt_sample_rate: " + std::to_string(o.promptRate) + " Hz is above the supported " + std::to_string(kResampleMaxRate) + " Hz");
    resampler_.emplace(static_cast<int>(o.promptRate), static_cast<int>(spec.sampleRate));
    modelSamples_ = static_cast<std::int64_t>(resampler_->outputLength(static_cast<std::size_t>(samples_)));
  }
  budgets.checkElements("options.prompt_sample_rate: the prompt audio at the model's rate (prompts x samples)", {prompts_, modelSamples_});
  if (modelSamples_ < spec.minPromptSamples)
    throw Error("options.prompt_samples: the prompt is too short: " + samplesText(modelSamples_, spec.sampleRate) +
                " but the model needs at least " + samplesText(spec.minPromptSamples, spec.sampleRate));
  frames_ = (modelSamples_ + spec.hop - 1) / spec.hop;  // EnCodec pads the last frame
  expected_ = static_cast<std::size_t>(prompts_ * samples_ * channels_);
}

std::string PromptAudio::countText() const {
  return "(prompts " + std::to_string(prompts_) + " x prompt_samples " + std::to_string(samples_) + " x channels " + std::to_string(channels_) + ")";
}

void PromptAudio::push(std::size_t n) {
  if (!intake_.finished() && intake_.pushed() + n > expected_)
    throw Error("prompt audio: " + std::to_string(intake_.pushed() + n) + " samples pushed but the options announced " + std::to_string(expected_) +
                " " + countText());
  intake_.push(n);
}

void PromptAudio::finish() {
  if (intake_.finished()) return;
  if (intake_.pushed() != expected_)
    throw Error("prompt audio: finish() after " + std::to_string(intake_.pushed()) + " samples but the options announced " +
                std::to_string(expected_) + " " + countText());
  intake_.finish();
}

void PromptAudio::writeMono(float* out) {
  const std::size_t S = static_cast<std::size_t>(samples_);
  const int C = static_cast<int>(channels_);
  for (std::int64_t p = 0; p < prompts_; ++p) {
    const std::vector<float> mono = mixdown(intake_.data() + static_cast<std::size_t>(p) * S * static_cast<std::size_t>(C), S, C);
    float* dst = out + p * modelSamples_;  // modelSamples_: the resampler's output length
    if (resampler_) resampler_->processStrided(mono.data(), S, 1, dst, 1);
    else std::copy(mono.begin(), mono.end(), dst);
  }
  intake_.release();
}

}  // namespace weft
