#include "weft/pocket_tts_generator.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"
#include "weft/tensor.h"
#include "tokenizer/unicode.h"

namespace weft {

namespace {

std::vector<int> slotsFeeding(const Model& m, const std::string& component) {
  std::vector<int> out;
  for (std::size_t s = 0; s < m.slots().size(); ++s)
    if (m.slots()[s].feeds(component)) out.push_back(static_cast<int>(s));
  return out;
}

std::size_t indexOf(const std::vector<int>& v, int x) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] == x) return i;
  throw Error("pocket_tts generator: internal error: slot " + std::to_string(x) + " is not in its list");
}

void requireFinite(const float* x, std::size_t n, const std::string& what) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) throw Error(what + ": value " + std::to_string(i) + " is not finite (the model cannot run correctly on this input)");
}

}  // namespace

PocketTtsGenerator::PocketTtsGenerator(std::shared_ptr<const Model> model, const Json& options)
    : Generator(std::move(model)), spec_(this->model().spec<PocketTtsSpec>()) {
  opt_ = parsePocketTtsOptions(options, spec_);
  rng_ = SplitMix64(opt_.seed);
  noiseScale_ = std::sqrt(opt_.temperature);
  buildPlans();
  if (opt_.encodeVoice()) {
    clip_.emplace(opt_, spec_, this->model().manifest().budgets);
    phase_ = Phase::Input;
    return;
  }
  const Tokenizer* tok = this->model().tokenizer();
  if (!tok) throw Error("pocket_tts generator: the package's tokenizer is not attached (Model.attachTokenizer), so the text cannot be read");
  chunks_ = pocket_tts::splitIntoChunks(*tok, opt_.text, static_cast<int>(opt_.maxTokensPerChunk), spec_.text);
  checkKnownCharacters(*tok);
  if (opt_.voiceBytes > 0) {
    if (opt_.voiceBytes % 4 != 0 || static_cast<std::size_t>(opt_.voiceBytes) < kStoredVoiceHeader)
      throw Error("options.voice_bytes: " + std::to_string(opt_.voiceBytes) + " is not the size of a stored voice (48 header bytes, then float32 values)");
    this->model().manifest().budgets.checkElements("options.voice_bytes: the stored voice (float32 words)", {opt_.voiceBytes / 4});
    voiceWords_.resize(static_cast<std::size_t>(opt_.voiceBytes / 4));
    phase_ = Phase::Input;
    return;
  }
  startChunk();
}

// A character the tokenizer has no piece for becomes its unknown token, which the model speaks as
// filler (or, decoded into a chunk's text as " ⁇ ", as question marks): refuse the text and name
// the characters. Checked on the whole prepared text, where the replacement rules have run.
void PocketTtsGenerator::checkKnownCharacters(const Tokenizer& tok) const {
  const std::int32_t unk = tok.tokenToId("<unk>");
  if (unk < 0) return;
  const std::string text = pocket_tts::prepareTextPrompt(opt_.text, spec_.text).text;
  bool any = false;
  for (std::int32_t id : tok.encode(text, false)) any = any || id == unk;
  if (!any) return;
  std::string chars, seen;
  for (std::size_t i = 0; i < text.size() && chars.size() < 64;) {
    const std::string ch = text.substr(i, tok::uni::charLen(static_cast<unsigned char>(text[i])));
    i += ch.size();
    if (seen.find(ch) != std::string::npos) continue;
    seen += ch;
    for (std::int32_t id : tok.encode(ch, false))
      if (id == unk) {
        chars += (chars.empty() ? "'" : ", '") + ch + "'";
        break;
      }
  }
  throw Error("options.text: the model's tokenizer has no piece for " + (chars.empty() ? std::string("some characters") : chars) +
              "; remove or replace them (the model would speak them as filler)");
}

void PocketTtsGenerator::buildPlans() {
  const GeneratorSpec& g = model().manifest().generator;
  auto comp = [&](const char* role) { return *g.componentFor(role); };
  auto io = [&](const char* role) { return *g.role(role); };
  h_.tokens = addHostBuffer(DType::Int64);
  for (int* b : {&h_.embeddings, &h_.conditioning, &h_.previous, &h_.noise, &h_.nextLatent, &h_.eos, &h_.latent, &h_.audio, &h_.clip, &h_.voice})
    *b = addHostBuffer(DType::Float32);
  plans_.embed = planTemplate(comp("text_embedder"), {{io("tokens"), h_.tokens}}, {HostOutput{io("embeddings"), h_.embeddings, -1}});
  plans_.flow = planTemplate(comp("flow_lm"), {{io("conditioning"), h_.conditioning}, {io("previous_latent"), h_.previous}, {io("noise"), h_.noise}},
                             {HostOutput{io("next_latent"), h_.nextLatent, -1}, HostOutput{io("eos_logit"), h_.eos, -1}});
  plans_.decode = planTemplate(comp("audio_decoder"), {{io("latent"), h_.latent}}, {HostOutput{io("audio"), h_.audio, -1}});
  if (spec_.hasVoiceEncoder)
    plans_.encode = planTemplate(comp("voice_encoder"), {{io("voice_audio"), h_.clip}}, {HostOutput{io("voice_conditioning"), h_.voice, -1}});
  buildStateFeeds(comp("flow_lm"), comp("audio_decoder"));
}

// The flow LM's K/V restart from the voice's per chunk and the decoder's state from zeros: both
// are fed from host buffers on a chunk's first run, from their slots after it.
void PocketTtsGenerator::buildStateFeeds(const std::string& flow, const std::string& decoder) {
  const auto& slots = model().slots();
  flowSlots_ = slotsFeeding(model(), flow);
  mimiSlots_ = slotsFeeding(model(), decoder);
  for (int s : flowSlots_) {
    const StateSlot& slot = slots[static_cast<std::size_t>(s)];
    if (slot.mode != SlotMode::Grow || slot.init != SlotInit::Empty || slot.emptyLength != 0 || slot.axis < 0)
      throw Error("weft.json: " + slot.path + ": a pocket_tts flow_lm state must be a grow slot that starts empty (init \"empty\", empty_length 0)");
    voiceKv_.push_back(addHostBuffer(slot.dtype));
    emptyKv_.push_back(addHostBuffer(slot.dtype));
  }
  for (int s : mimiSlots_) {
    const StateSlot& slot = slots[static_cast<std::size_t>(s)];
    if (slot.mode != SlotMode::Fixed || slot.init != SlotInit::Zeros)
      throw Error("weft.json: " + slot.path + ": a pocket_tts decoder state must be a fixed slot that starts at zeros");
    mimiZeros_.push_back(addHostBuffer(slot.dtype));
    host(mimiZeros_.back()).resize(static_cast<std::size_t>(elementCount(slot.initialShape(1))));  // zero-filled
  }
}

void PocketTtsGenerator::startChunk() {
  const pocket_tts::TextChunk& c = chunks_[chunk_];
  step_ = 0;
  decodedInChunk_ = 0;
  eosStep_.reset();
  maxFrames_ = spec_.maxFrames(c.ids.size());
  framesAfterEos_ = opt_.framesAfterEos ? *opt_.framesAfterEos : c.framesAfterEosGuess;  // the package's guess, plus 2
  phase_ = Phase::Embed;
}

void PocketTtsGenerator::endChunk() {
  ++chunk_;
  if (chunk_ < chunks_.size()) startChunk();
  else phase_ = Phase::Done;
}

float* PocketTtsGenerator::onPushView(std::size_t n) {
  if (clip_) return clip_->view(n);
  if (voiceWords_.empty() || phase_ != Phase::Input) throw Error("pocket_tts generator: push() but the options announced no voice (options.voice_bytes or voice_samples)");
  if (voiceFill_ + n > voiceWords_.size())
    throw Error("stored voice: more than the announced " + std::to_string(opt_.voiceBytes) + " bytes (options.voice_bytes) pushed");
  return voiceWords_.data() + voiceFill_;
}

void PocketTtsGenerator::onPush(std::size_t n) {
  if (clip_) return clip_->push(n);
  onPushView(n);  // the same bounds
  voiceFill_ += n;
}

void PocketTtsGenerator::onFinish() {
  if (clip_) return clip_->finish();
  if (voiceWords_.empty()) return;
  if (voiceFill_ != voiceWords_.size())
    throw Error("stored voice: " + std::to_string(voiceFill_ * 4) + " bytes pushed but options.voice_bytes announced " + std::to_string(opt_.voiceBytes));
  const StoredVoice v = unpackVoice(reinterpret_cast<const std::uint8_t*>(voiceWords_.data()), voiceWords_.size() * 4, spec_);
  voiceWords_ = {};
  voicePositions_ = v.positions;
  host(h_.voice).resize(v.conditioning.size());
  std::memcpy(host(h_.voice).as<float>(), v.conditioning.data(), 4 * v.conditioning.size());
  phase_ = Phase::VoicePrefill;
}

std::optional<Plan> PocketTtsGenerator::makePlan() {
  switch (phase_) {
    case Phase::Input:
      if (!clip_ || !clip_->ready()) return std::nullopt;
      phase_ = Phase::Encode;
      return encodePlan();
    case Phase::VoicePrefill: {
      const std::int64_t V = voicePositions_;
      host(h_.previous).resize(0);
      voicePositions_ = 0;  // the voice run itself starts from an empty cache
      Plan p = flowPlan(h_.voice, V, 0, true, true);
      voicePositions_ = V;
      return p;
    }
    case Phase::Embed: return embedPlan();
    case Phase::Prefill: {
      const std::int64_t T = static_cast<std::int64_t>(chunks_[chunk_].ids.size());
      host(h_.previous).resize(0);
      return flowPlan(h_.embeddings, T, 0, true, false);
    }
    case Phase::Step:
      host(h_.conditioning).resize(0);
      return flowPlan(h_.conditioning, 0, 1, false, false);
    case Phase::Decode: return decodePlan();
    case Phase::Encode:
    case Phase::Done: return std::nullopt;
  }
  return std::nullopt;
}

Plan PocketTtsGenerator::encodePlan() {
  std::vector<float> wav = clip_->prepare();
  clip_.reset();
  HostBuffer& b = host(h_.clip);
  b.resize(wav.size());
  std::memcpy(b.as<float>(), wav.data(), 4 * wav.size());
  Plan p = plans_.encode;
  for (PlanInput& in : p.inputs)
    if (in.source == Source::Host && in.index == h_.clip) in.shape = {1, 1, static_cast<std::int64_t>(wav.size())};
  return p;
}

Plan PocketTtsGenerator::embedPlan() {
  const std::vector<std::int32_t>& ids = chunks_[chunk_].ids;
  HostBuffer& b = host(h_.tokens);
  b.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) b.as<std::int64_t>()[i] = ids[i];
  Plan p = plans_.embed;
  for (PlanInput& in : p.inputs)
    if (in.source == Source::Host) in.shape = {1, static_cast<std::int64_t>(ids.size())};
  return p;
}

// One flow_lm run appending C conditioning positions (read from host buffer `conditioning`: the
// voice's, the chunk's embeddings or the empty one) and S latents. fromVoice: the K/V inputs are the
// voice's (empty without one) instead of the slots; toVoice: the K/V outputs are kept as the voice's.
Plan PocketTtsGenerator::flowPlan(int conditioning, std::int64_t C, std::int64_t S, bool fromVoice, bool toVoice) {
  const auto& slots = model().slots();
  Plan p = plans_.flow;
  for (PlanInput& in : p.inputs) {
    if (in.source == Source::Host) {
      if (in.index == h_.conditioning) {
        in.index = conditioning;
        in.shape = {1, C, spec_.modelDim};
      }
      else if (in.index == h_.previous) in.shape = {1, S, spec_.latentDim};
      else if (in.index == h_.noise) in.shape = {1, spec_.latentDim};
    } else if (in.source == Source::Slot && fromVoice) {
      const std::size_t k = indexOf(flowSlots_, in.index);
      const StateSlot& slot = slots[static_cast<std::size_t>(in.index)];
      in.shape = slot.emptyShape(1);
      in.shape[static_cast<std::size_t>(slot.axis)] = voicePositions_;
      in.source = Source::Host;
      in.index = voicePositions_ > 0 ? voiceKv_[k] : emptyKv_[k];
      in.dtype = slot.dtype;
    }
  }
  if (toVoice)
    for (PlanOutput& out : p.outputs)
      if (out.source == Source::Slot) out = PlanOutput{out.name, Source::Host, voiceKv_[indexOf(flowSlots_, out.index)], -1};
  drawNoise();
  ++flowRuns_;
  return p;
}

// Every flow_lm run draws latent_dim normals, as the package's sampler does on every call.
void PocketTtsGenerator::drawNoise() {
  HostBuffer& b = host(h_.noise);
  b.resize(static_cast<std::size_t>(spec_.latentDim));
  if (opt_.temperature == 0.0) std::fill_n(b.as<float>(), b.size(), 0.0f);
  else normal_.fill(rng_, noiseScale_, b.as<float>(), b.size());
}

Plan PocketTtsGenerator::decodePlan() {
  HostBuffer& latent = host(h_.latent);
  latent = host(h_.previous);  // the frame the last step emitted
  Plan p = plans_.decode;
  const auto& slots = model().slots();
  for (PlanInput& in : p.inputs) {
    if (in.source == Source::Host && in.index == h_.latent) {
      in.shape = {1, 1, spec_.latentDim};
    } else if (in.source == Source::Slot && decodedInChunk_ == 0) {  // the chunk's first frame: zero state
      const StateSlot& slot = slots[static_cast<std::size_t>(in.index)];
      in.shape = slot.initialShape(1);
      in.dtype = slot.dtype;
      in.index = mimiZeros_[indexOf(mimiSlots_, in.index)];
      in.source = Source::Host;
    }
  }
  return p;
}

int PocketTtsGenerator::onAccept() {
  switch (phase_) {
    case Phase::Encode: return acceptEncode();
    case Phase::VoicePrefill:
      for (std::size_t k = 0; k < voiceKv_.size(); ++k) requireFinite(host(voiceKv_[k]).as<float>(), host(voiceKv_[k]).size(), "flow_lm voice cache");
      startChunk();
      return 0;
    case Phase::Embed:
      phase_ = Phase::Prefill;
      return 0;
    case Phase::Prefill: {
      HostBuffer& prev = host(h_.previous);  // the first step's input: the BOS latent (NaN)
      prev.resize(static_cast<std::size_t>(spec_.latentDim));
      std::fill_n(prev.as<float>(), prev.size(), std::numeric_limits<float>::quiet_NaN());
      phase_ = Phase::Step;
      return 0;
    }
    case Phase::Step:
      acceptStep();
      return 0;
    case Phase::Decode: return acceptDecode();
    default: throw Error("pocket_tts generator: internal error: accept() in phase " + std::to_string(static_cast<int>(phase_)));
  }
}

int PocketTtsGenerator::acceptEncode() {
  const HostBuffer& c = host(h_.voice);
  const std::size_t D = static_cast<std::size_t>(spec_.modelDim);
  if (c.size() == 0 || c.size() % D != 0)
    throw Error("voice_encoder: returned " + std::to_string(c.size()) + " values, not a whole number of positions of width " + std::to_string(D));
  requireFinite(c.as<float>(), c.size(), "voice_encoder output");
  voicePositions_ = static_cast<std::int64_t>(c.size() / D);
  const std::vector<std::uint8_t> bytes = packVoice(c.as<float>(), voicePositions_, spec_.modelDim, spec_.voiceFingerprint);
  results_.resize(bytes.size() / 4);
  std::memcpy(results_.data(), bytes.data(), bytes.size());
  phase_ = Phase::Done;
  return static_cast<int>(results_.size());
}

// The package's loop: EOS counts from min_frames_before_eos on; the frame that reaches
// eos + frames_after_eos ends the chunk without being emitted.
void PocketTtsGenerator::acceptStep() {
  const HostBuffer& next = host(h_.nextLatent);
  if (next.size() != static_cast<std::size_t>(spec_.latentDim) || host(h_.eos).size() != 1)
    throw Error("flow_lm: returned " + std::to_string(next.size()) + " latent values and " + std::to_string(host(h_.eos).size()) +
                " EOS logits; expected " + std::to_string(spec_.latentDim) + " and 1");
  requireFinite(next.as<float>(), next.size(), "flow_lm next_latent (chunk " + std::to_string(chunk_) + ", frame " + std::to_string(step_) + ")");
  const bool eos = host(h_.eos).as<float>()[0] > opt_.eosThreshold;
  if (eos && !eosStep_ && step_ >= spec_.minFramesBeforeEos) eosStep_ = step_;
  if (eosStep_ && step_ >= *eosStep_ + framesAfterEos_) return endChunk();
  host(h_.previous) = next;
  ++step_;
  phase_ = Phase::Decode;
}

int PocketTtsGenerator::acceptDecode() {
  const HostBuffer& a = host(h_.audio);
  const std::size_t F = static_cast<std::size_t>(spec_.frameSamples);
  if (a.size() != F) throw Error("mimi_decoder: returned " + std::to_string(a.size()) + " samples for one frame; expected " + std::to_string(F));
  results_.assign(a.as<float>(), a.as<float>() + F);
  requireFinite(results_.data(), F, "mimi_decoder audio");
  if (decodedInChunk_ == 0)
    for (std::int64_t i = 0; i < std::min<std::int64_t>(spec_.fadeInSamples, static_cast<std::int64_t>(F)); ++i)
      results_[static_cast<std::size_t>(i)] *= torchLinspace(0.0f, 1.0f, spec_.fadeInSamples, i);
  ++decodedInChunk_;
  ++frames_;
  samples_ += static_cast<std::int64_t>(F);
  if (step_ >= maxFrames_) {
    ++capped_;  // the package warns: no EOS within the chunk's frame cap
    endChunk();
  } else {
    phase_ = Phase::Step;
  }
  return static_cast<int>(F);
}

void PocketTtsGenerator::release() {
  chunks_.clear();
  clip_.reset();
  voiceWords_ = {};
  results_ = {};
}

void PocketTtsGenerator::addStats(Json& s) const {
  s["chunks"] = chunks_.size();
  s["chunk"] = chunk_;
  s["frames"] = frames_;
  s["samples"] = samples_;
  s["sample_rate"] = spec_.sampleRate;
  s["chunks_capped"] = capped_;  // chunks that reached their frame cap without EOS
  s["flow_runs"] = flowRuns_;
  s["voice_positions"] = voicePositions_;
}

const GeneratorType& pocketTtsGeneratorType() {
  const DType F = DType::Float32;
  static const GeneratorType t{
      "pocket_tts",
      {{"text_embedder", true}, {"flow_lm", true}, {"audio_decoder", true}, {"voice_encoder", false}},
      {{"tokens", true, true, {"text_embedder"}, DType::Int64},
       {"embeddings", false, true, {"text_embedder"}, F},
       {"conditioning", true, true, {"flow_lm"}, F},
       {"previous_latent", true, true, {"flow_lm"}, F},
       {"noise", true, true, {"flow_lm"}, F},
       {"next_latent", false, true, {"flow_lm"}, F},
       {"eos_logit", false, true, {"flow_lm"}, F},
       {"latent", true, true, {"audio_decoder"}, F},
       {"audio", false, true, {"audio_decoder"}, F},
       {"voice_audio", true, true, {"voice_encoder"}, F},
       {"voice_conditioning", false, true, {"voice_encoder"}, F}},
      // decode_steps, flow_type, insert_bos_before_voice: what the toolkit built into the graphs
      {"sample_rate", "frame_samples", "latent_dim", "model_dim", "eos_threshold", "min_frames_before_eos", "frames_after_eos",
       "tokens_per_second", "gen_seconds_padding", "max_tokens_per_chunk", "fade_in_samples", "text", "voice", "decode_steps",
       "flow_type", "insert_bos_before_voice"},
      pocketTtsOptionSpecs(),
      parsePocketTtsSpec,
      [](std::shared_ptr<const Model> m, const Json& o) -> std::unique_ptr<Generator> { return std::make_unique<PocketTtsGenerator>(std::move(m), o); },
  };
  return t;
}

}  // namespace weft
