// A Pocket TTS request's options over the package's defaults (weft/pocket_tts/spec.h).
#include <cmath>

#include "../json_util.h"
#include "weft/error.h"
#include "weft/generator_registry.h"
#include "weft/pocket_tts/spec.h"

namespace weft {

namespace ju = json_util;

namespace {

std::int64_t positive(const Json& o, const char* k) {
  const std::int64_t v = ju::asInt(o.at(k), "", ju::key("options", k));
  if (v < 1) throw Error(ju::key("options", k) + ": must be >= 1 but got " + std::to_string(v));
  return v;
}

void parseVoiceMode(PocketTtsOptions& o, const Json& options, const PocketTtsSpec& spec) {
  for (const char* k : {"voice_sample_rate", "voice_channels"})
    if (!options.contains("voice_samples") && options.contains(k)) throw Error(std::string("options.") + k + ": given without options.voice_samples");
  if (!options.contains("voice_samples")) return;
  if (!spec.hasVoiceEncoder) throw Error("options.voice_samples: this package has no voice encoder (generator.voice_encoder), so it cannot make a voice from audio");
  for (const char* k : {"text", "voice_bytes"})
    if (options.contains(k)) throw Error(std::string("options.") + k + ": a request that makes a voice (options.voice_samples) takes no " + k);
  o.voiceSamples = positive(options, "voice_samples");
  if (options.contains("voice_sample_rate")) o.voiceSampleRate = positive(options, "voice_sample_rate");
  if (options.contains("voice_channels")) o.voiceChannels = positive(options, "voice_channels");
}

void parseSpeech(PocketTtsOptions& o, const Json& options) {
  o.text = ju::asString(ju::require(options, "text", "", "options"), "", "options.text");
  if (auto v = options.find("temperature"); v != options.end()) {
    o.temperature = ju::asNumber(*v, "", "options.temperature");
    if (!(o.temperature >= 0.0) || !std::isfinite(o.temperature))
      throw Error("options.temperature: must be a finite number >= 0 (0: no noise) but got " + ju::num(o.temperature));
  }
  if (auto v = options.find("seed"); v != options.end()) o.seed = ju::asSeed(*v, "", "options.seed");
  if (auto v = options.find("eos_threshold"); v != options.end()) {
    o.eosThreshold = ju::asNumber(*v, "", "options.eos_threshold");
    if (!std::isfinite(o.eosThreshold)) throw Error("options.eos_threshold: must be finite");
  }
  if (auto v = options.find("frames_after_eos"); v != options.end() && !v->is_null()) {
    o.framesAfterEos = ju::asInt(*v, "", "options.frames_after_eos");
    if (*o.framesAfterEos < 0) throw Error("options.frames_after_eos: must be >= 0 but got " + std::to_string(*o.framesAfterEos));
  }
  if (options.contains("max_tokens_per_chunk")) o.maxTokensPerChunk = positive(options, "max_tokens_per_chunk");
  if (options.contains("voice_bytes")) o.voiceBytes = positive(options, "voice_bytes");
}

}  // namespace

PocketTtsOptions parsePocketTtsOptions(const Json& options, const PocketTtsSpec& spec) {
  ju::expectObject(options, "", "options");
  PocketTtsOptions o = spec.defaults;
  parseVoiceMode(o, options, spec);
  if (!o.encodeVoice()) parseSpeech(o, options);
  return o;
}

std::vector<OptionSpec> pocketTtsOptionSpecs() {
  const OptionKind I = OptionKind::Integer, N = OptionKind::Number;
  return {
      {"text", OptionKind::String, "the text to speak (required unless voice_samples is given)", nullptr, {}, {}, false, ""},
      {"temperature", N, "scales the flow head's noise: sqrt(temperature) * N(0, 1) (0: none)", 0.3, 0, {}, false, ""},
      {"seed", OptionKind::Seed, "the noise's seed (a number, or a decimal string for all 64 bits)", 0, {}, {}, false, ""},
      {"eos_threshold", N, "speech ends once the EOS logit exceeds it", -4.0, {}, {}, false, ""},
      {"frames_after_eos", I, "frames after EOS (default: 1, or 3 for four words or fewer, plus 2)", nullptr, 0, {}, false, ""},
      {"max_tokens_per_chunk", I, "text tokens per chunk; sentences are grouped up to it", 50, 1, {}, false, ""},
      {"voice_bytes", I, "bytes of a stored voice pushed before generation (none: no voice)", nullptr, 1, {}, false, ""},
      {"voice_samples", I, "frames of a voice clip pushed to make a stored voice (instead of speaking)", nullptr, 1, {}, false, ""},
      {"voice_sample_rate", I, "the clip's sample rate in Hz (default: the model's)", nullptr, 1, {}, false, ""},
      {"voice_channels", I, "interleaved channels of the clip", 1, 1, {}, false, ""},
  };
}

}  // namespace weft
