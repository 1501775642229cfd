#include "weft/pocket_tts/voice.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../json_util.h"
#include "weft/audio/mixdown.h"
#include "weft/audio/resample.h"
#include "weft/error.h"

namespace weft {

namespace {

constexpr char kMagic[8] = {'W', 'E', 'F', 'T', 'V', 'O', 'X', '1'};

std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f s", s);
  return b;
}

// 20 log10(rms + 1e-12) of each whole frame of `frame` samples (end_on_pause's loudness).
std::vector<double> frameDb(const std::vector<float>& wav, std::size_t frame) {
  std::vector<double> db(wav.size() / frame);
  for (std::size_t f = 0; f < db.size(); ++f) {
    double acc = 0.0;
    for (std::size_t i = f * frame; i < (f + 1) * frame; ++i) acc += static_cast<double>(wav[i]) * wav[i];
    db[f] = 20.0 * std::log10(std::sqrt(acc / static_cast<double>(frame)) + 1e-12);
  }
  return db;
}

void putU32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t getU32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

std::vector<std::uint8_t> fingerprintBytes(const std::string& hex) {
  std::vector<std::uint8_t> out(32, 0);
  if (hex.size() != 64) return out;
  for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

}  // namespace

VoiceClip::VoiceClip(const PocketTtsOptions& o, const PocketTtsSpec& spec, const Budgets& budgets)
    : spec_(spec), frames_(o.voiceSamples), channels_(o.voiceChannels), rate_(o.voiceSampleRate),
      intake_("pocket_tts voice clip", [](std::uint64_t k, bool nan) {
        return "voice clip: sample " + std::to_string(k) + " is " + (nan ? "NaN" : "infinite") + " (audio must be finite)";
      }) {
  budgets.checkElements("options.voice_samples: the voice clip (samples x channels)", {frames_, channels_});
  const double s = static_cast<double>(frames_) / static_cast<double>(rate_);
  if (s > spec.voice.maxSeconds)
    throw Error("options.voice_samples: the voice clip is " + seconds(s) + " long; a voice takes at most " + seconds(spec.voice.maxSeconds) +
                " (cut the clip: its first seconds are enough)");
  if (s < spec.voice.minSeconds)
    throw Error("options.voice_samples: the voice clip is " + seconds(s) + " long; a voice needs at least " + seconds(spec.voice.minSeconds) + " of speech");
  if (rate_ > kResampleMaxRate) throw Error("options.voice_sample_rate: " + std::to_string(rate_) + " Hz is above the resampler's limit");
}

void VoiceClip::push(std::size_t n) {
  if (intake_.pushed() + n > static_cast<std::uint64_t>(frames_ * channels_))
    throw Error("voice clip: more samples pushed than announced (options.voice_samples " + std::to_string(frames_) + " x voice_channels " +
                std::to_string(channels_) + ")");
  intake_.push(n);
}

void VoiceClip::finish() {
  if (intake_.pushed() != static_cast<std::uint64_t>(frames_ * channels_))
    throw Error("voice clip: " + std::to_string(intake_.pushed()) + " samples pushed but options.voice_samples x voice_channels announced " +
                std::to_string(frames_ * channels_));
  intake_.finish();
}

std::vector<float> VoiceClip::prepare() {
  std::vector<float> mono = mixdown(intake_.data(), static_cast<std::size_t>(frames_), static_cast<int>(channels_));
  intake_.release();
  if (rate_ != spec_.sampleRate) mono = Resampler(static_cast<int>(rate_), static_cast<int>(spec_.sampleRate)).process(mono.data(), mono.size());
  const std::size_t frame = static_cast<std::size_t>(std::max<std::int64_t>(1, spec_.sampleRate / 50));
  const std::vector<double> frames = frameDb(mono, frame);
  const double db = frames.empty() ? -240.0 : *std::max_element(frames.begin(), frames.end());
  if (db < spec_.voice.silentDb)
    throw Error("voice clip: the clip is silent (its loudest 20 ms is " + json_util::num(std::round(db)) + " dBFS); record or choose a clip with speech");
  std::vector<float> wav = endOnPause(std::move(mono), spec_.sampleRate, spec_.voice);
  const std::size_t F = static_cast<std::size_t>(spec_.frameSamples);
  wav.resize((wav.size() + F - 1) / F * F, 0.0f);
  return wav;
}

float torchLinspace(float a, float b, std::int64_t n, std::int64_t i) {
  if (n == 1) return a;
  const float step = (b - a) / static_cast<float>(n - 1);
  return i < n / 2 ? a + step * static_cast<float>(i) : b - step * static_cast<float>(n - 1 - i);
}

std::vector<float> endOnPause(std::vector<float> wav, std::int64_t sampleRate, const VoiceClipRule& rule) {
  const std::size_t frame = static_cast<std::size_t>(std::max<std::int64_t>(1, static_cast<std::int64_t>(0.02 * static_cast<double>(sampleRate))));
  const std::vector<double> db = frameDb(wav, frame);
  const std::size_t n = db.size();
  if (n == 0) return wav;
  const double floor = *std::max_element(db.begin(), db.end()) - rule.floorDb;
  std::size_t last = 0;
  for (std::size_t f = 0; f < n; ++f)
    if (db[f] > floor) last = f;
  const std::size_t end = (last + 1) * frame;
  wav.resize(end);
  const std::int64_t fade = std::min<std::int64_t>(static_cast<std::int64_t>(rule.fadeSec * static_cast<double>(sampleRate)), static_cast<std::int64_t>(end));
  for (std::int64_t i = 0; i < fade; ++i) wav[end - static_cast<std::size_t>(fade) + static_cast<std::size_t>(i)] *= torchLinspace(1.0f, 0.0f, fade, i);
  wav.resize(end + static_cast<std::size_t>(rule.pauseSec * static_cast<double>(sampleRate)), 0.0f);
  return wav;
}

std::vector<std::uint8_t> packVoice(const float* conditioning, std::int64_t positions, std::int64_t modelDim, const std::string& fingerprintHex) {
  const std::size_t values = static_cast<std::size_t>(positions * modelDim);
  std::vector<std::uint8_t> out(kStoredVoiceHeader + 4 * values);
  std::memcpy(out.data(), kMagic, 8);
  putU32(out.data() + 8, static_cast<std::uint32_t>(positions));
  putU32(out.data() + 12, static_cast<std::uint32_t>(modelDim));
  const std::vector<std::uint8_t> fp = fingerprintBytes(fingerprintHex);
  std::memcpy(out.data() + 16, fp.data(), 32);
  std::memcpy(out.data() + kStoredVoiceHeader, conditioning, 4 * values);  // little-endian hosts only (x86, WASM)
  return out;
}

StoredVoice unpackVoice(const std::uint8_t* bytes, std::size_t size, const PocketTtsSpec& spec) {
  if (size < kStoredVoiceHeader || std::memcmp(bytes, kMagic, 8) != 0)
    throw Error("stored voice: not a Weft voice (it must start with \"WEFTVOX1\"; make one with voiceFrom())");
  StoredVoice v;
  v.positions = getU32(bytes + 8);
  const std::int64_t dim = getU32(bytes + 12);
  if (dim != spec.modelDim)
    throw Error("stored voice: it was made for a model of width " + std::to_string(dim) + " but this model's is " + std::to_string(spec.modelDim) +
                " (a voice from another model; make it again with this model's voiceFrom())");
  const std::vector<std::uint8_t> mine = fingerprintBytes(spec.voiceFingerprint), zero(32, 0);
  if (mine != zero && std::memcmp(bytes + 16, zero.data(), 32) != 0 && std::memcmp(bytes + 16, mine.data(), 32) != 0)
    throw Error("stored voice: it was made by another model's voice encoder (its fingerprint differs from this package's); make it again with this model's voiceFrom()");
  const std::size_t values = static_cast<std::size_t>(v.positions * dim);
  if (v.positions < 1 || size != kStoredVoiceHeader + 4 * values)
    throw Error("stored voice: " + std::to_string(size) + " bytes, but its header announces " + std::to_string(v.positions) + " x " + std::to_string(dim) +
                " values (" + std::to_string(kStoredVoiceHeader + 4 * values) + " bytes); the file is truncated or damaged");
  v.conditioning.resize(values);
  std::memcpy(v.conditioning.data(), bytes + kStoredVoiceHeader, 4 * values);
  for (float x : v.conditioning)
    if (!std::isfinite(x)) throw Error("stored voice: it holds a non-finite value; the file is damaged");
  return v;
}

}  // namespace weft
