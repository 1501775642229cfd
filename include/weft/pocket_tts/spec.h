// Pocket TTS, the model side and the request side (docs/POCKET_TTS.md).
//
// PocketTtsSpec is parsed once at load from weft.json's `generator` object (sizes, the EOS and
// frame-cap rules, the text rules, the voice-clip rule) and `generation` (the default
// temperature). PocketTtsOptions is one request, the options JSON over those defaults:
//   speak:  {"text", "temperature", "seed", "eos_threshold", "frames_after_eos",
//            "max_tokens_per_chunk", "voice_bytes" (a stored voice of that many bytes follows
//            through push)}
//   voice:  {"voice_samples", "voice_sample_rate", "voice_channels"} (the clip follows through
//            push; the result is a stored voice)
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator_type.h"
#include "weft/manifest.h"
#include "weft/pocket_tts/text.h"

namespace weft {

// end_on_pause: the clip ends on `pauseSec` of silence after its last loud 20 ms frame.
struct VoiceClipRule {
  double pauseSec = 0.08, fadeSec = 0.02, floorDb = 35.0;
  double maxSeconds = 30.0;  // longer clips are refused (their first seconds are enough)
  double minSeconds = 0.5;   // shorter clips hold too little of a voice
  double silentDb = -100.0;  // a clip whose loudest 20 ms frame is quieter is silent
};

struct PocketTtsOptions {
  std::string text;
  double temperature = 0.3;
  std::uint64_t seed = 0;
  double eosThreshold = -4.0;
  std::optional<std::int64_t> framesAfterEos;  // none: the package's guess per chunk
  std::int64_t maxTokensPerChunk = 50;
  std::int64_t voiceBytes = 0;  // a stored voice follows through push
  // Voice mode: a clip follows through push and the result is a stored voice.
  std::int64_t voiceSamples = 0, voiceSampleRate = 24000, voiceChannels = 1;
  bool encodeVoice() const { return voiceSamples > 0; }
};

struct PocketTtsSpec : GeneratorSpecBase {
  std::int64_t sampleRate = 24000, frameSamples = 1920, latentDim = 0, modelDim = 0;
  std::int64_t minFramesBeforeEos = 6, fadeInSamples = 120;
  double tokensPerSecond = 3.0, genSecondsPadding = 2.0;
  pocket_tts::TextRules text;
  VoiceClipRule voice;
  bool hasVoiceEncoder = false;
  std::string voiceFingerprint;  // the voice encoder's sha256 ("" when the manifest has none)
  PocketTtsOptions defaults;     // built-in defaults overridden by the manifest
  // The frame cap of a chunk of `tokens` text tokens: ceil((tokens / tps + padding) * 12.5).
  std::int64_t maxFrames(std::size_t tokens) const;
  void describe(nlohmann::ordered_json& generator, nlohmann::ordered_json& generation) const override;
};

std::shared_ptr<const GeneratorSpecBase> parsePocketTtsSpec(const Manifest& m);
PocketTtsOptions parsePocketTtsOptions(const nlohmann::ordered_json& options, const PocketTtsSpec& spec);
std::vector<OptionSpec> pocketTtsOptionSpecs();

}  // namespace weft
