#include "weft/pocket_tts/spec.h"

#include <cmath>

#include "../json_util.h"
#include "weft/error.h"

namespace weft {

namespace ju = json_util;

namespace {

const std::string kM = "weft.json: ";

double number(const Json& g, const char* k, double fallback, const std::string& prefix, const std::string& path) {
  auto v = g.find(k);
  return v == g.end() || v->is_null() ? fallback : ju::asNumber(*v, prefix, ju::key(path, k));
}

std::int64_t integer(const Json& g, const char* k, std::int64_t fallback, std::int64_t min) {
  auto v = g.find(k);
  if (v == g.end()) return fallback;
  const std::int64_t x = ju::asInt(*v, kM, ju::key("generator", k));
  if (x < min) ju::fail(kM, ju::key("generator", k), "must be >= " + std::to_string(min) + " but got " + std::to_string(x));
  return x;
}

VoiceClipRule parseVoiceRule(const Json& g) {
  VoiceClipRule r;
  auto v = g.find("voice");
  if (v == g.end()) return r;
  ju::expectObject(*v, kM, "generator.voice");
  for (auto it = v->begin(); it != v->end(); ++it)
    if (it.key() != "pause_sec" && it.key() != "fade_sec" && it.key() != "floor_db" && it.key() != "max_seconds")
      ju::fail(kM, ju::key("generator.voice", it.key()), "unknown key (voice: pause_sec, fade_sec, floor_db, max_seconds)");
  r.pauseSec = number(*v, "pause_sec", r.pauseSec, kM, "generator.voice");
  r.fadeSec = number(*v, "fade_sec", r.fadeSec, kM, "generator.voice");
  r.floorDb = number(*v, "floor_db", r.floorDb, kM, "generator.voice");
  r.maxSeconds = number(*v, "max_seconds", r.maxSeconds, kM, "generator.voice");
  for (double x : {r.pauseSec, r.fadeSec, r.floorDb})
    if (!(x >= 0.0 && x < 60.0)) ju::fail(kM, "generator.voice", "pause_sec, fade_sec and floor_db must be in [0, 60)");
  if (!(r.maxSeconds > 0.0 && r.maxSeconds <= 600.0)) ju::fail(kM, "generator.voice.max_seconds", "must be in (0, 600]");
  return r;
}

void parseSizes(PocketTtsSpec& s, const Json& g) {
  s.sampleRate = integer(g, "sample_rate", s.sampleRate, 1);
  s.frameSamples = integer(g, "frame_samples", s.frameSamples, 1);
  s.latentDim = integer(g, "latent_dim", 0, 1);
  s.modelDim = integer(g, "model_dim", 0, 1);
  if (!g.contains("latent_dim") || !g.contains("model_dim")) ju::fail(kM, "generator", "a pocket_tts generator needs latent_dim and model_dim");
  s.minFramesBeforeEos = integer(g, "min_frames_before_eos", s.minFramesBeforeEos, 0);
  s.fadeInSamples = integer(g, "fade_in_samples", s.fadeInSamples, 0);
  s.tokensPerSecond = number(g, "tokens_per_second", s.tokensPerSecond, kM, "generator");
  s.genSecondsPadding = number(g, "gen_seconds_padding", s.genSecondsPadding, kM, "generator");
  if (!(s.tokensPerSecond > 0.0) || !(s.genSecondsPadding >= 0.0))
    ju::fail(kM, "generator", "tokens_per_second must be > 0 and gen_seconds_padding >= 0");
}

void parseDefaults(PocketTtsSpec& s, const Manifest& m) {
  const Json& g = m.generator.raw;
  PocketTtsOptions& d = s.defaults;
  d.eosThreshold = number(g, "eos_threshold", d.eosThreshold, kM, "generator");
  if (auto v = g.find("frames_after_eos"); v != g.end() && !v->is_null()) d.framesAfterEos = integer(g, "frames_after_eos", 0, 0);
  d.maxTokensPerChunk = integer(g, "max_tokens_per_chunk", d.maxTokensPerChunk, 1);
  d.temperature = number(m.generation, "temperature", d.temperature, kM, "generation");
  if (!(d.temperature >= 0.0)) ju::fail(kM, "generation.temperature", "must be >= 0");
  d.voiceSampleRate = s.sampleRate;
}

}  // namespace

std::shared_ptr<const GeneratorSpecBase> parsePocketTtsSpec(const Manifest& m) {
  auto sp = std::make_shared<PocketTtsSpec>();
  PocketTtsSpec& s = *sp;
  const Json& g = m.generator.raw;
  parseSizes(s, g);
  if (auto t = g.find("text"); t != g.end()) s.text = pocket_tts::TextRules::fromJson(*t, "generator.text", kM);
  s.voice = parseVoiceRule(g);
  parseDefaults(s, m);
  if (const std::string* enc = m.generator.componentFor("voice_encoder")) {
    s.hasVoiceEncoder = true;
    const Component* c = m.component(*enc);
    if (c && c->sha256) s.voiceFingerprint = *c->sha256;
  }
  if (!m.tokenizer) ju::fail(kM, "tokenizer", "a pocket_tts package needs its tokenizer (the core chunks and tokenizes the text)");
  return sp;
}

std::int64_t PocketTtsSpec::maxFrames(std::size_t tokens) const {
  const double seconds = static_cast<double>(tokens) / tokensPerSecond + genSecondsPadding;
  return static_cast<std::int64_t>(std::ceil(seconds * static_cast<double>(sampleRate) / static_cast<double>(frameSamples)));
}

void PocketTtsSpec::describe(Json& generator, Json& generation) const {
  generator["frame_rate"] = static_cast<double>(sampleRate) / static_cast<double>(frameSamples);
  generation = Json{{"temperature", defaults.temperature}, {"eos_threshold", defaults.eosThreshold},
                    {"max_tokens_per_chunk", defaults.maxTokensPerChunk}, {"seed", defaults.seed}};
  if (defaults.framesAfterEos) generation["frames_after_eos"] = *defaults.framesAfterEos;
}

}  // namespace weft
