#include "weft/musicgen/options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "json_util.h"
#include "weft/error.h"

namespace weft {

namespace ju = json_util;

namespace {

const std::string kM = "weft.json: ";

std::int64_t needDim(const Manifest& m, const char* n) {
  auto v = m.dim(n);
  if (!v || *v <= 0) ju::fail(kM, ju::key("dims", n), "a musicgen package needs this dim (> 0)");
  return *v;
}

std::string secondsText(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f s", s);
  return b;
}

// Sampling and guidance fields shared by the manifest's `generation` and the options.
// audiocraft's top_p: 0 turns it off, and when it is on it replaces top-k.
void applySampling(MusicgenOptions& o, const Json& obj, const std::string& prefix, const std::string& path) {
  Json s = Json::object();
  for (const char* k : {"do_sample", "temperature", "top_k"})
    if (obj.contains(k)) s[k] = obj.at(k);
  o.sampling = parseSamplingParams(s, o.sampling, prefix, path);
  if (auto v = obj.find("top_p"); v != obj.end()) {
    o.topP = ju::asNumber(*v, prefix, ju::key(path, "top_p"));
    if (!(o.topP >= 0.0 && o.topP <= 1.0)) ju::fail(prefix, ju::key(path, "top_p"), "must be in [0, 1] (0 turns it off) but got " + ju::num(o.topP));
  }
  if (auto v = obj.find("guidance_scale"); v != obj.end()) o.guidance = ju::asNumber(*v, prefix, ju::key(path, "guidance_scale"));
  if (auto v = obj.find("seed"); v != obj.end()) o.seed = ju::asSeed(*v, prefix, ju::key(path, "seed"));
  if (auto v = obj.find("semantics"); v != obj.end()) {
    const std::string s = ju::asString(*v, prefix, ju::key(path, "semantics"));
    if (s != "transformers" && s != "audiocraft")
      ju::fail(prefix, ju::key(path, "semantics"), "must be \"transformers\" or \"audiocraft\" but got \"" + s + "\"");
    o.semantics = s == "audiocraft" ? MusicgenSemantics::Audiocraft : MusicgenSemantics::Transformers;
  }
  for (auto [k, dst] : {std::pair{"max_duration", &o.maxDuration}, std::pair{"extend_stride", &o.extendStride}})
    if (auto v = obj.find(k); v != obj.end()) {
      *dst = ju::asNumber(*v, prefix, ju::key(path, k));
      if (!(*dst > 0.0) || !std::isfinite(*dst)) ju::fail(prefix, ju::key(path, k), "must be a finite number of seconds > 0 but got " + ju::num(*dst));
    }
}

// Checks that depend on more than one field (the semantics decide the guidance range, the model
// the longest window).
void checkRequest(const MusicgenOptions& o, const MusicgenSpec& spec, const std::string& prefix, const std::string& path) {
  if (!std::isfinite(o.guidance) || (!o.audiocraft() && !(o.guidance >= 1.0)))
    ju::fail(prefix, ju::key(path, "guidance_scale"),
             std::string("must be a finite number") + (o.audiocraft() ? "" : " >= 1 (1 turns guidance off; semantics \"audiocraft\" accepts any)") +
                 " but got " + ju::num(o.guidance));
  const std::int64_t maxFrames = spec.maxPositions - spec.maxDelay;  // positions fed: T + max delay
  const double fr = static_cast<double>(spec.frameRate);
  if (static_cast<std::int64_t>(o.maxDuration * fr) > maxFrames)
    ju::fail(prefix, ju::key(path, "max_duration"), secondsText(o.maxDuration) + " is beyond the model's positional limit: dims.max_positions " +
                 std::to_string(spec.maxPositions) + " allows at most " + std::to_string(maxFrames) + " frames (" +
                 secondsText(static_cast<double>(maxFrames) / fr) + ") per window");
  if (!(o.stride() < o.maxDuration))
    ju::fail(prefix, ju::key(path, "extend_stride"), secondsText(o.stride()) + " must be shorter than max_duration (" + secondsText(o.maxDuration) + ")");
}

std::vector<std::int64_t> intRow(const Json& row, const std::string& p) {
  ju::expectArray(row, "", p);
  std::vector<std::int64_t> r;
  r.reserve(row.size());
  for (std::size_t i = 0; i < row.size(); ++i) r.push_back(ju::asInt(row[i], "", ju::index(p, i)));
  return r;
}

std::int64_t positive(const Json& o, const char* k, std::int64_t min) {
  const std::int64_t v = ju::asInt(o.at(k), "", ju::key("options", k));
  if (v < min) ju::fail("", ju::key("options", k), "must be >= " + std::to_string(min) + " but got " + std::to_string(v));
  return v;
}

void parseText(MusicgenOptions& o, const Json& options, std::int64_t textVocab) {
  const Json& ids = options.at("text_ids");
  ju::expectArray(ids, "", "options.text_ids");
  if (ids.empty()) throw Error("options.text_ids: must hold at least one description (omit it for unconditional generation)");
  const std::int64_t pad = options.contains("text_pad_id") ? ju::asInt(options["text_pad_id"], "", "options.text_pad_id") : 0;
  std::size_t L = 0;
  for (std::size_t b = 0; b < ids.size(); ++b) {
    o.textIds.push_back(intRow(ids[b], ju::index("options.text_ids", b)));
    if (o.textIds.back().empty()) throw Error(ju::index("options.text_ids", b) + ": a description needs at least one token id");
    for (std::size_t i = 0; i < o.textIds.back().size(); ++i) {
      const std::int64_t id = o.textIds.back()[i];
      if (id < 0 || (textVocab > 0 && id >= textVocab))
        throw Error(ju::index(ju::index("options.text_ids", b), i) + ": token id " + std::to_string(id) + " is outside [0, " +
                    std::to_string(textVocab) + ")");
    }
    L = std::max(L, o.textIds.back().size());
  }
  if (auto m = options.find("text_mask"); m != options.end()) {
    ju::expectArray(*m, "", "options.text_mask");
    if (m->size() != ids.size())
      throw Error("options.text_mask: " + std::to_string(m->size()) + " rows but options.text_ids has " + std::to_string(ids.size()));
    for (std::size_t b = 0; b < ids.size(); ++b) {
      const std::string p = ju::index("options.text_mask", b);
      o.textMask.push_back(intRow((*m)[b], p));
      if (o.textMask.back().size() != o.textIds[b].size() || o.textIds[b].size() != L)
        throw Error(p + ": " + std::to_string(o.textMask.back().size()) + " entries but text_ids row " + std::to_string(b) + " has " +
                    std::to_string(o.textIds[b].size()) + " (with a mask, every row must have the padded length " + std::to_string(L) + ")");
      for (std::int64_t v : o.textMask.back())
        if (v != 0 && v != 1) throw Error(p + ": mask values must be 0 or 1 but got " + std::to_string(v));
    }
  } else {
    for (auto& row : o.textIds) {
      o.textMask.emplace_back(L, 0);
      std::fill_n(o.textMask.back().begin(), row.size(), 1);
      row.resize(L, pad);  // right padding, as T5's tokenizer pads
    }
  }
  o.batch = static_cast<std::int64_t>(ids.size());
}

}  // namespace

SamplingParams MusicgenOptions::effectiveSampling() const {
  SamplingParams p = sampling;
  p.top_p = 1.0;
  if (topP > 0.0 && topP < 1.0) {
    p.top_p = topP;
    p.top_k = 0;
  }
  return p;
}

namespace {

void parseDelays(MusicgenSpec& s, const Json& g) {
  const Json& d = ju::require(g, "delay", kM, "generator");
  ju::expectArray(d, kM, "generator.delay");
  if (static_cast<std::int64_t>(d.size()) != s.codebooks)
    ju::fail(kM, "generator.delay", "has " + std::to_string(d.size()) + " entries but there are " + std::to_string(s.codebooks) + " codebooks");
  for (std::size_t q = 0; q < d.size(); ++q) {
    s.delays.push_back(ju::asInt(d[q], kM, ju::index("generator.delay", q)));
    if (s.delays.back() < 0) ju::fail(kM, ju::index("generator.delay", q), "must be >= 0");
  }
  s.maxDelay = s.delays.empty() ? 0 : *std::max_element(s.delays.begin(), s.delays.end());
}

void parseGeneratorKeys(MusicgenSpec& s, const Manifest& m) {
  const Json& g = m.generator.raw;
  s.special = g.contains("special_token") ? ju::asInt(g["special_token"], kM, "generator.special_token") : s.vocab;
  if (s.special < s.vocab)
    ju::fail(kM, "generator.special_token", "must be >= dims.vocab (" + std::to_string(s.vocab) + ") so no code can equal it, but got " + std::to_string(s.special));
  if (g.contains("codebooks") && ju::asInt(g["codebooks"], kM, "generator.codebooks") != s.codebooks)
    ju::fail(kM, "generator.codebooks", "differs from dims.codebooks (" + std::to_string(s.codebooks) + ")");
  parseDelays(s, g);
  if (g.contains("min_prompt_samples")) s.minPromptSamples = ju::asInt(g["min_prompt_samples"], kM, "generator.min_prompt_samples");
  if (s.minPromptSamples < 1) ju::fail(kM, "generator.min_prompt_samples", "must be >= 1");
  s.canContinue = m.generator.componentFor("audio_encoder") != nullptr;
  if (m.generator.componentFor("cache_merge")) {
    s.cacheMergeEvery = ju::asInt(ju::require(g, "cache_merge_every", kM, "generator"), kM, "generator.cache_merge_every");
    if (s.cacheMergeEvery < 1) ju::fail(kM, "generator.cache_merge_every", "must be >= 1 but got " + std::to_string(s.cacheMergeEvery));
  }
}

// audiocraft's defaults: sampling, top_k 250, top_p 0 (off), temperature 1, guidance 3.
MusicgenOptions builtinDefaults() {
  MusicgenOptions o;
  o.sampling.do_sample = true;
  o.sampling.top_k = 250;
  return o;
}

// The built-in defaults overridden by the manifest's `generation` (errors name "weft.json: generation.x").
MusicgenOptions musicgenDefaults(const Manifest& m, const MusicgenSpec& spec) {
  MusicgenOptions o = builtinDefaults();
  const Json& g = m.generation;
  // audiocraft's window is 30 s; a model with fewer positions gets its own limit.
  o.maxDuration = std::min(30.0, static_cast<double>(spec.maxPositions - spec.maxDelay) / static_cast<double>(spec.frameRate));
  applySampling(o, g, kM, "generation");
  checkRequest(o, spec, kM, "generation");
  o.defaultFrames = 30 * spec.frameRate;
  if (auto v = g.find("max_new_tokens"); v != g.end()) {
    o.defaultFrames = ju::asInt(*v, kM, "generation.max_new_tokens");
    if (o.defaultFrames < 1) ju::fail(kM, "generation.max_new_tokens", "must be >= 1");
  }
  o.promptRate = spec.sampleRate;
  return o;
}

}  // namespace

std::shared_ptr<const GeneratorSpecBase> parseMusicgenSpec(const Manifest& m) {
  auto sp = std::make_shared<MusicgenSpec>();
  MusicgenSpec& s = *sp;
  s.codebooks = needDim(m, "codebooks");
  s.vocab = needDim(m, "vocab");
  s.hop = needDim(m, "hop");
  s.sampleRate = needDim(m, "sampling_rate");
  s.frameRate = needDim(m, "frame_rate");
  s.maxPositions = needDim(m, "max_positions");
  s.textHidden = needDim(m, "text_hidden");
  parseGeneratorKeys(s, m);
  if (s.sampleRate != s.frameRate * s.hop)
    ju::fail(kM, "dims.frame_rate", std::to_string(s.frameRate) + " frames/s x hop " + std::to_string(s.hop) + " != sampling_rate " + std::to_string(s.sampleRate));
  s.defaults = musicgenDefaults(m, s);
  return sp;
}


void MusicgenSpec::describe(Json&, Json& generation) const {
  const MusicgenOptions& o = defaults;
  generation = Json{{"max_new_tokens", o.defaultFrames}, {"do_sample", o.sampling.do_sample},
              {"temperature", o.sampling.temperature}, {"top_k", o.sampling.top_k},
              {"top_p", o.topP}, {"guidance_scale", o.guidance},
              {"seed", o.seed}, {"duration_includes_prompt", true},
              {"semantics", o.audiocraft() ? "audiocraft" : "transformers"}, {"max_duration", o.maxDuration},
              {"extend_stride", o.stride()}};
}

namespace {

void parseStream(MusicgenOptions& o, const Json& v, const MusicgenSpec& spec) {
  if (v.is_boolean()) {
    o.stream = v.get<bool>();
    return;
  }
  if (v.is_null()) return;
  ju::expectObject(v, "", "options.stream");
  o.stream = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string p = ju::key("options.stream", it.key());
    std::int64_t* dst = it.key() == "window" ? &o.windows.window : it.key() == "context" ? &o.windows.context
                      : it.key() == "lookahead" ? &o.windows.lookahead : it.key() == "crossfade" ? &o.windows.crossfade : nullptr;
    if (!dst) throw Error(p + ": unknown field (stream: window, context, lookahead, crossfade, in frames)");
    *dst = ju::asInt(it.value(), "", p);
  }
  o.windows.crossfade = std::min(o.windows.crossfade, o.windows.lookahead);
  if (v.contains("crossfade") && v.at("crossfade").get<std::int64_t>() > o.windows.lookahead)
    throw Error("options.stream.crossfade: must be <= lookahead (" + std::to_string(o.windows.lookahead) + " frames)");
  StreamDecoder check(o.windows, 1, spec.hop, 1);  // validates the sizes
}

std::int64_t parsePromptCount(const Json& options, std::int64_t batch) {
  const std::int64_t n = options.contains("prompts") ? positive(options, "prompts", 1) : 1;
  if (n != 1 && n != batch)
    throw Error("options.prompts: " + std::to_string(n) + " prompts for " + std::to_string(batch) +
                " descriptions (give one prompt, shared by all, or one per description)");
  return n;
}

// prompt_codes: prompts x codebooks rows of equal length, each code in [0, vocab).
void parsePromptCodes(MusicgenOptions& o, const Json& rows, const MusicgenSpec& spec) {
  const std::int64_t K = spec.codebooks;
  if (static_cast<std::int64_t>(rows.size()) != o.prompts * K)
    throw Error("options.prompt_codes: " + std::to_string(rows.size()) + " rows but " + std::to_string(o.prompts) + " prompt(s) x " +
                std::to_string(K) + " codebooks need " + std::to_string(o.prompts * K) + " (the codes returnCodes gave, one row per codebook)");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string p = ju::index("options.prompt_codes", r);
    const std::vector<std::int64_t> row = intRow(rows[r], p);
    if (r == 0) o.promptCodeFrames = static_cast<std::int64_t>(row.size());
    if (row.empty() || static_cast<std::int64_t>(row.size()) != o.promptCodeFrames)
      throw Error(p + ": " + std::to_string(row.size()) + " codes but row 0 has " + std::to_string(o.promptCodeFrames) + " (every row needs the same frames, at least one)");
    for (std::size_t t = 0; t < row.size(); ++t)
      if (row[t] < 0 || row[t] >= spec.vocab)
        throw Error(ju::index(p, t) + ": code " + std::to_string(row[t]) + " is outside [0, " + std::to_string(spec.vocab) + ")");
    o.promptCodes.insert(o.promptCodes.end(), row.begin(), row.end());
  }
}

void parsePrompt(MusicgenOptions& o, const Json& options, const MusicgenSpec& spec) {
  const bool audio = options.contains("prompt_samples"), codes = options.contains("prompt_codes");
  if (audio && codes) throw Error("options.prompt_codes: give either prompt audio (prompt_samples) or prompt codes, not both");
  if (codes) {
    for (const char* k : {"prompt_channels", "prompt_sample_rate"})
      if (options.contains(k)) throw Error(std::string("options.") + k + ": given with options.prompt_codes (codes have no channels or rate)");
    o.prompts = parsePromptCount(options, o.batch);
    parsePromptCodes(o, options.at("prompt_codes"), spec);
    return;
  }
  for (const char* k : {"prompt_channels", "prompt_sample_rate", "prompts"})
    if (!audio && options.contains(k)) throw Error(std::string("options.") + k + ": given without options.prompt_samples");
  if (!audio) return;
  if (!spec.canContinue) throw Error("options.prompt_samples: this package has no audio encoder (generator.audio_encoder), so it cannot continue audio");
  o.promptSamples = ju::asInt(options["prompt_samples"], "", "options.prompt_samples");
  if (o.promptSamples <= 0) throw Error("options.prompt_samples: the prompt audio is empty (0 samples)");
  if (options.contains("prompt_channels")) o.promptChannels = positive(options, "prompt_channels", 1);
  if (options.contains("prompt_sample_rate")) o.promptRate = positive(options, "prompt_sample_rate", 1);
  o.prompts = parsePromptCount(options, o.batch);
}

void parseDuration(MusicgenOptions& o, const Json& options) {
  if (options.contains("seconds") && options.contains("max_new_frames"))
    throw Error("options: give either seconds (the total duration, prompt included) or max_new_frames, not both");
  if (auto v = options.find("seconds"); v != options.end()) {
    o.seconds = ju::asNumber(*v, "", "options.seconds");
    if (!(o.seconds > 0.0) || !std::isfinite(o.seconds))
      throw Error("options.seconds: the duration must be a finite number of seconds > 0 but got " + ju::num(o.seconds));
  }
  if (options.contains("max_new_frames")) o.maxNewFrames = positive(options, "max_new_frames", 1);
}

}  // namespace

MusicgenOptions parseMusicgenOptions(const Json& options, const Manifest& m, const MusicgenSpec& spec) {
  ju::expectObject(options, "", "options");
  MusicgenOptions o = spec.defaults;
  applySampling(o, options, "", "options");
  if (options.contains("text_ids")) {
    if (options.contains("batch")) throw Error("options.batch: give either text_ids (one row per description) or batch (unconditional), not both");
    parseText(o, options, m.dim("text_vocab").value_or(0));
  } else if (options.contains("text_mask")) {
    throw Error("options.text_mask: given without options.text_ids");
  } else if (options.contains("batch")) {
    o.batch = positive(options, "batch", 1);
  }
  parseDuration(o, options);
  if (auto v = options.find("return_codes"); v != options.end()) o.returnCodes = ju::asBool(*v, "", "options.return_codes");
  if (auto v = options.find("stream"); v != options.end()) parseStream(o, *v, spec);
  parsePrompt(o, options, spec);
  checkRequest(o, spec, "", "options");
  return o;
}

std::vector<OptionSpec> musicgenOptionSpecs() {
  const MusicgenOptions d = builtinDefaults();
  const OptionKind I = OptionKind::Integer;
  std::vector<OptionSpec> o = {
      {"text_ids", OptionKind::IntegerRows, "one row of text token ids per description (none: unconditional)", nullptr, {}, {}, false, ""},
      {"text_mask", OptionKind::IntegerRows, "0/1 per text token; without it ragged rows are right-padded", nullptr, {}, {}, false, ""},
      {"text_pad_id", I, "the id ragged rows are padded with", 0, {}, {}, false, ""},
      {"batch", I, "outputs of an unconditional request", 1, 1, {}, false, ""},
      {"seconds", OptionKind::Number, "total duration, the prompt included", nullptr, 0, {}, true, ""},
      {"max_new_frames", I, "frames to add after the prompt (instead of seconds)", nullptr, 1, {}, false, ""},
      {"guidance_scale", OptionKind::Number, "classifier-free guidance (transformers: >= 1, 1 turns it off; audiocraft: any value, always guided)", d.guidance, {}, {}, false, "cfg"},
      {"semantics", OptionKind::String, "\"transformers\" or \"audiocraft\": whose results to reproduce where they differ (padded text batches, top_p, cfg)", "transformers", {}, {}, false, ""},
      {"max_duration", OptionKind::Number, "seconds per generation window; longer requests continue in windows (audiocraft)", 30.0, 0, {}, true, ""},
      {"extend_stride", OptionKind::Number, "seconds each further window moves on by (audiocraft; default 18, at most 0.6 x max_duration)", nullptr, 0, {}, true, ""},
  };
  for (OptionSpec& s : samplingOptionSpecs(d.sampling, {"do_sample", "temperature", "top_k"})) o.push_back(std::move(s));
  const std::vector<OptionSpec> rest = {
      {"top_p", OptionKind::Number, "nucleus sampling; 0 turns it off, otherwise it replaces top_k", d.topP, 0, 1, false, ""},
      {"seed", OptionKind::Seed, "the sampler's seed (a number, or a decimal string for all 64 bits)", 0, {}, {}, false, ""},
      {"return_codes", OptionKind::Boolean, "keep the generated codes", d.returnCodes, {}, {}, false, ""},
      {"stream", OptionKind::BooleanOrObject, "stream audio windows: true or {window, context, lookahead, crossfade} in frames", false, {}, {}, false, ""},
      {"prompt_samples", I, "frames per prompt clip (continuation)", nullptr, 1, {}, false, ""},
      {"prompt_channels", I, "interleaved channels of the prompt", 1, 1, {}, false, ""},
      {"prompt_sample_rate", I, "the prompt's sample rate in Hz (default: the model's)", nullptr, 1, {}, false, ""},
      {"prompts", I, "prompt clips: 1 (shared) or one per description", 1, 1, {}, false, ""},
      {"prompt_codes", OptionKind::IntegerRows, "continue from codes: prompts x codebooks rows (instead of prompt audio)", nullptr, {}, {}, false, ""},
  };
  o.insert(o.end(), rest.begin(), rest.end());
  return o;
}

std::int64_t musicgenFrames(const MusicgenOptions& o, const MusicgenSpec& spec, std::int64_t promptFrames) {
  const double fr = static_cast<double>(spec.frameRate);
  std::int64_t T;
  std::string what;
  if (o.seconds > 0.0) {
    if (o.seconds * fr >= 9.0e15) T = INT64_MAX / 4;
    else T = static_cast<std::int64_t>(std::floor(o.seconds * fr));  // audiocraft: int(duration * frame_rate)
    what = "options.seconds: " + secondsText(o.seconds);
    if (T < 1) throw Error(what + " is shorter than one frame (1/" + std::to_string(spec.frameRate) + " s)");
  } else {
    T = promptFrames + (o.maxNewFrames > 0 ? o.maxNewFrames : o.defaultFrames);
    what = std::string(o.maxNewFrames > 0 ? "options.max_new_frames: " : "weft.json: generation.max_new_tokens: ") +
           std::to_string(T - promptFrames) + " new frames after a prompt of " + std::to_string(promptFrames);
  }
  if (promptFrames >= T)
    throw Error("the prompt (" + secondsText(static_cast<double>(promptFrames) / fr) + ", " + std::to_string(promptFrames) +
                " frames) is not shorter than the requested duration (" + secondsText(static_cast<double>(T) / fr) + ", " +
                std::to_string(T) + " frames); seconds is the total duration, prompt included");
  return T;
}

}  // namespace weft
