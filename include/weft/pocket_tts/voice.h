// Pocket TTS voices (docs/POCKET_TTS.md, "Voices").
//
// VoiceClip takes a clip through push (interleaved, any rate), mixes it down and resamples it to
// the model's rate, and prepares it as the package does before its voice encoder: the trailing
// silence cut after the last loud 20 ms frame, a short fade-out, a fixed pause appended, zeros up
// to a whole frame. A silent, too short, too long or non-finite clip is refused with its reason.
//
// A stored voice is the voice encoder's conditioning, V positions x model_dim, as bytes a user
// can keep: "WEFTVOX1", u32 V, u32 model_dim, the voice encoder's sha256 (32 bytes, zeros when
// unknown), then V x model_dim float32, all little-endian.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "weft/budgets.h"
#include "weft/pocket_tts/spec.h"
#include "weft/sample_intake.h"

namespace weft {

class VoiceClip {
 public:
  VoiceClip(const PocketTtsOptions& options, const PocketTtsSpec& spec, const Budgets& budgets);
  float* view(std::size_t n) { return intake_.view(n); }
  void push(std::size_t n);
  void finish();  // throws unless exactly the announced samples arrived
  bool ready() const { return intake_.finished(); }
  // The prepared mono clip at the model's rate, a whole number of frames; drops the input.
  std::vector<float> prepare();
  void release() { intake_.release(); }

 private:
  const PocketTtsSpec& spec_;
  std::int64_t frames_, channels_, rate_;
  SampleIntake intake_;
};

// torch.linspace(a, b, n)[i] in float32 (the package's fades use it): the first half counts up
// from a, the second down from b.
float torchLinspace(float a, float b, std::int64_t n, std::int64_t i);

// The package's end_on_pause on a mono clip at `sampleRate` (exposed for tests).
std::vector<float> endOnPause(std::vector<float> wav, std::int64_t sampleRate, const VoiceClipRule& rule);

constexpr std::size_t kStoredVoiceHeader = 48;  // bytes before the float32 conditioning

std::vector<std::uint8_t> packVoice(const float* conditioning, std::int64_t positions, std::int64_t modelDim,
                                    const std::string& fingerprintHex);

struct StoredVoice {
  std::int64_t positions = 0;
  std::vector<float> conditioning;  // positions x model_dim
};
// Checks the magic, the sizes against the model and the voice encoder's fingerprint.
StoredVoice unpackVoice(const std::uint8_t* bytes, std::size_t size, const PocketTtsSpec& spec);

}  // namespace weft
