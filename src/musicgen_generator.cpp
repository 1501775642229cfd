#include "weft/musicgen_generator.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "json_util.h"
#include "weft/audio/mixdown.h"
#include "weft/audio/resample.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {

void guideLogits(const float* cond, const float* null, float g, std::size_t n, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = null[i] + (cond[i] - null[i]) * g;
}

namespace {

const std::string& comp(const Manifest& m, const char* role) { return *m.generator.componentFor(role); }

std::string samplesText(std::int64_t n, std::int64_t rate) {
  return std::to_string(n) + " samples (" + json_util::num(std::round(1000.0 * static_cast<double>(n) / static_cast<double>(rate)) / 1000.0) + " s at " +
         std::to_string(rate) + " Hz)";
}

}  // namespace

MusicgenGenerator::MusicgenGenerator(std::shared_ptr<const Model> model, const Json& options)
    : Generator(std::move(model)) {
  const Manifest& m = this->model().manifest();
  const GeneratorSpec& g = m.generator;
  spec_ = musicgenSpec(m);
  opt_ = parseMusicgenOptions(options, m, spec_);
  sampling_ = opt_.effectiveSampling();
  B_ = opt_.batch;
  const bool conditional = !opt_.textIds.empty();
  branches_ = conditional && opt_.guidance != 1.0 ? 2 : 1;  // unconditional: both branches equal
  L_ = conditional ? static_cast<std::int64_t>(opt_.textIds[0].size()) : 1;

  // The prompt's length at the model's rate decides the prompt frames, so every duration error
  // is reported here, before any audio is pushed.
  if (opt_.prompts > 0) {
    promptLen_ = opt_.promptSamples;
    if (opt_.promptRate != spec_.sampleRate) {
      if (opt_.promptRate > kResampleMaxRate)
        throw Error("options.prompt_sample_rate: " + std::to_string(opt_.promptRate) + " Hz is above the supported " + std::to_string(kResampleMaxRate) + " Hz");
      resampler_.emplace(static_cast<int>(opt_.promptRate), static_cast<int>(spec_.sampleRate));
      promptLen_ = static_cast<std::int64_t>(resampler_->outputLength(static_cast<std::size_t>(opt_.promptSamples)));
    }
    if (promptLen_ < spec_.minPromptSamples)
      throw Error("options.prompt_samples: the prompt is too short: " + samplesText(promptLen_, spec_.sampleRate) +
                  " but the model needs at least " + samplesText(spec_.minPromptSamples, spec_.sampleRate));
    promptFrames_ = (promptLen_ + spec_.hop - 1) / spec_.hop;  // EnCodec pads the last frame
    expected_ = static_cast<std::size_t>(opt_.prompts * opt_.promptSamples * opt_.promptChannels);
  }
  frames_ = musicgenFrames(opt_, spec_, promptFrames_);
  stepsTotal_ = frames_ + spec_.maxDelay - promptFrames_;  // one logits row per column after the prefix

  const std::string* text = g.role("text_ids");
  textIds_ = addHostBuffer(DType::Int64);
  textMask_ = addHostBuffer(DType::Int64);
  hidden_ = addHostBuffer(DType::Float32);
  crossStates_ = addHostBuffer(DType::Float32);
  encMask_ = addHostBuffer(DType::Int64);
  ids_ = addHostBuffer(DType::Int64);
  logits_ = addHostBuffer(DType::Float32);
  codesIn_ = addHostBuffer(DType::Int64);
  audioOut_ = addHostBuffer(DType::Float32);
  const std::int64_t K = spec_.codebooks, rows = branches_ * B_;
  textPlan_ = planTemplate(comp(m, "text_encoder"), {{*text, textIds_}, {*g.role("text_mask"), textMask_}},
                           {HostOutput{*g.role("text_states"), hidden_, -1}});
  crossPlan_ = planTemplate(comp(m, "cross_kv"), {{*g.role("encoder_hidden_states"), crossStates_}, {*g.role("encoder_attention_mask"), encMask_}}, {});
  prefillPlan_ = planTemplate(comp(m, "prefill"), {{*g.role("input_ids"), ids_}, {*g.role("encoder_attention_mask"), encMask_}},
                              {HostOutput{*g.role("logits"), logits_, -1}});
  stepPlan_ = planTemplate(comp(m, "step"), {{*g.role("input_ids"), ids_}, {*g.role("encoder_attention_mask"), encMask_}},
                           {HostOutput{*g.role("logits"), logits_, -1}});
  if (spec_.cacheMergeEvery > 0) mergePlan_ = planTemplate(comp(m, "cache_merge"), {}, {});
  for (const StateSlot& slot : this->model().slots()) {
    slotEmpty_.push_back(slot.mode == "grow" && slot.init == "empty");
    EmptyFeed f;
    if (slotEmpty_.back()) {
      f.shape = slot.emptyShape(rows);
      std::int64_t n = 1;
      for (std::int64_t d : f.shape) n *= d;
      for (const EmptyFeed& e : emptyFeeds_)  // one buffer per size: all zeros
        if (e.host >= 0 && static_cast<std::int64_t>(host(e.host).size()) == n && host(e.host).dtype() == slot.dtype) f.host = e.host;
      if (f.host < 0) {
        f.host = addHostBuffer(slot.dtype);
        host(f.host).resize(static_cast<std::size_t>(n));  // zero-filled
      }
    }
    emptyFeeds_.push_back(std::move(f));
  }
  decodeTemplate_ = planTemplate(comp(m, "audio_decoder"), {{*g.role("codes_in"), codesIn_}}, {HostOutput{*g.role("audio_out"), audioOut_, -1}});
  for (PlanInput& in : textPlan_.inputs) in.shape = {B_, L_};
  for (PlanInput& in : crossPlan_.inputs)
    if (in.source == Source::Host) in.shape = in.index == encMask_ ? std::vector<std::int64_t>{rows, L_} : std::vector<std::int64_t>{rows, L_, spec_.textHidden};
  for (PlanInput& in : stepPlan_.inputs)
    if (in.source == Source::Host) in.shape = in.index == encMask_ ? std::vector<std::int64_t>{rows, L_} : std::vector<std::int64_t>{rows * K, 1};

  if (opt_.prompts > 0) {
    promptAudio_ = addHostBuffer(DType::Float32);
    promptCodes_ = addHostBuffer(DType::Int64);
    promptPlan_ = planTemplate(comp(m, "audio_encoder"), {{*g.role("audio_in"), promptAudio_}},
                               {HostOutput{*g.role("codes_out"), promptCodes_, -1}});
    for (PlanInput& in : promptPlan_.inputs) in.shape = {opt_.prompts, 1, promptLen_};
    phase_ = Phase::Prompt;
  } else {
    buildPatterns(nullptr);
    phase_ = conditional ? Phase::Text : Phase::Cross;
  }
  if (opt_.stream) stream_.emplace(opt_.windows, frames_, spec_.hop, B_);
  rng_ = SplitMix64(opt_.seed);
  guided_.resize(static_cast<std::size_t>(spec_.vocab));
}

// A grow slot that holds no positions is fed its empty host buffer instead of its tensor: the
// slot's initial tensor has batch 1, and after a merge the recent tier's tensor still holds what
// the merge moved.
Plan MusicgenGenerator::withEmptyCache(Plan plan) const {
  for (PlanInput& in : plan.inputs) {
    if (in.source != Source::Slot || !slotEmpty_[static_cast<std::size_t>(in.index)]) continue;
    const std::size_t s = static_cast<std::size_t>(in.index);
    in.source = Source::Host;
    in.index = emptyFeeds_[s].host;
    in.dtype = model().slots()[s].dtype;
    in.shape = emptyFeeds_[s].shape;
  }
  return plan;
}

// After a run: the slots it wrote hold positions. A merge first empties every grow slot it
// reads (the recent tier); the one it also writes (the long tier) is then filled again.
void MusicgenGenerator::markSlots(const Plan& plan, bool drainsInputs) {
  if (drainsInputs)
    for (const PlanInput& in : plan.inputs)
      if (in.source == Source::Slot && model().slots()[static_cast<std::size_t>(in.index)].mode == "grow") slotEmpty_[static_cast<std::size_t>(in.index)] = 1;
  for (const PlanOutput& out : plan.outputs)
    if (out.source == Source::Slot) slotEmpty_[static_cast<std::size_t>(out.index)] = 0;
}

void MusicgenGenerator::buildPatterns(const std::int64_t* promptCodes) {
  const std::size_t per = static_cast<std::size_t>(spec_.codebooks * promptFrames_);
  for (std::int64_t b = 0; b < B_; ++b) {
    const std::int64_t* p = promptCodes ? promptCodes + (opt_.prompts == 1 ? 0 : static_cast<std::size_t>(b) * per) : nullptr;
    patterns_.emplace_back(spec_.delays, static_cast<std::int32_t>(spec_.special), frames_, p, promptCodes ? promptFrames_ : 0);
  }
  next_ = patterns_[0].firstFree();
}

float* MusicgenGenerator::onPushView(std::size_t n) {
  if (opt_.prompts == 0) throw Error("musicgen generator: pushView() but the options announced no prompt (options.prompt_samples)");
  if (inputDone_) throw Error("musicgen generator: pushView() after finish()");
  pcm_.resize(pushed_ + n);
  reserved_ = n;
  return pcm_.data() + pushed_;
}

void MusicgenGenerator::onPush(std::size_t n) {
  if (inputDone_) throw Error("musicgen generator: push() after finish()");
  if (n > reserved_)
    throw Error("musicgen generator: push(" + std::to_string(n) + ") but the last pushView() reserved only " + std::to_string(reserved_) + " samples");
  const std::size_t C = static_cast<std::size_t>(opt_.promptChannels);
  for (std::size_t i = 0; i < n; ++i) {
    const float v = pcm_[pushed_ + i];
    if (!std::isfinite(v)) {
      const std::size_t k = pushed_ + i, perPrompt = static_cast<std::size_t>(opt_.promptSamples) * C;
      throw Error("prompt audio: sample " + std::to_string((k % perPrompt) / C) + (C > 1 ? " (channel " + std::to_string(k % C) + ")" : "") +
                  (opt_.prompts > 1 ? " of prompt " + std::to_string(k / perPrompt) : "") + " is " + (std::isnan(v) ? "NaN" : "infinite") +
                  " (audio must be finite)");
    }
  }
  if (pushed_ + n > expected_)
    throw Error("prompt audio: " + std::to_string(pushed_ + n) + " samples pushed but the options announced " + std::to_string(expected_) +
                " (prompts " + std::to_string(opt_.prompts) + " x prompt_samples " + std::to_string(opt_.promptSamples) + " x channels " +
                std::to_string(opt_.promptChannels) + ")");
  pushed_ += n;
  pcm_.resize(pushed_);
  reserved_ = 0;
}

void MusicgenGenerator::onFinish() {
  if (opt_.prompts == 0 || inputDone_) return;
  if (pushed_ != expected_)
    throw Error("prompt audio: finish() after " + std::to_string(pushed_) + " samples but the options announced " + std::to_string(expected_) +
                " (prompts " + std::to_string(opt_.prompts) + " x prompt_samples " + std::to_string(opt_.promptSamples) + " x channels " +
                std::to_string(opt_.promptChannels) + ")");
  inputDone_ = true;
  preparePrompt();
}

// Mono at the model's rate, as audiocraft's convert_audio does it: channels first, then rate.
void MusicgenGenerator::preparePrompt() {
  HostBuffer& dst = host(promptAudio_);
  dst.resize(static_cast<std::size_t>(opt_.prompts * promptLen_));
  const std::size_t S = static_cast<std::size_t>(opt_.promptSamples);
  const int C = static_cast<int>(opt_.promptChannels);
  for (std::int64_t p = 0; p < opt_.prompts; ++p) {
    const std::vector<float> mono = mixdown(pcm_.data() + static_cast<std::size_t>(p) * S * static_cast<std::size_t>(C), S, C);
    float* out = dst.as<float>() + p * promptLen_;  // promptLen_ samples: the resampler's output length
    if (resampler_) resampler_->processStrided(mono.data(), S, 1, out, 1);
    else std::copy(mono.begin(), mono.end(), out);
  }
  pcm_.clear();
  pcm_.shrink_to_fit();
}

void MusicgenGenerator::fillIds(std::int64_t from, std::int64_t to) {
  const std::int64_t K = spec_.codebooks, n = to - from;
  HostBuffer& ids = host(ids_);
  ids.resize(static_cast<std::size_t>(branches_ * B_ * K * n));
  std::int64_t* out = ids.as<std::int64_t>();
  for (std::int64_t br = 0; br < branches_; ++br)  // rows: [cond items; null items] x codebooks
    for (std::int64_t b = 0; b < B_; ++b)
      for (int q = 0; q < K; ++q)
        for (std::int64_t s = from; s < to; ++s) *out++ = patterns_[static_cast<std::size_t>(b)].at(q, s);
}

Plan MusicgenGenerator::decodePlan(std::int64_t lo, std::int64_t hi) {
  const std::int64_t K = spec_.codebooks, n = hi - lo;
  HostBuffer& codes = host(codesIn_);
  codes.resize(static_cast<std::size_t>(B_ * K * n));
  for (std::int64_t b = 0; b < B_; ++b) patterns_[static_cast<std::size_t>(b)].revert(lo, hi, codes.as<std::int64_t>() + b * K * n);
  Plan p = decodeTemplate_;
  for (PlanInput& in : p.inputs)
    if (in.source == Source::Host) in.shape = {1, B_, K, n};
  window_ = {lo, hi};
  return p;
}

std::optional<Plan> MusicgenGenerator::makePlan() {
  const std::int64_t rows = branches_ * B_;
  switch (phase_) {
    case Phase::Prompt:
      if (!inputDone_) return std::nullopt;  // waiting for the prompt audio
      pending_ = Run::Prompt;
      return promptPlan_;
    case Phase::Text: {
      HostBuffer& ids = host(textIds_);
      HostBuffer& mask = host(textMask_);
      ids.resize(static_cast<std::size_t>(B_ * L_));
      mask.resize(static_cast<std::size_t>(B_ * L_));
      for (std::int64_t b = 0; b < B_; ++b) {
        std::copy(opt_.textIds[b].begin(), opt_.textIds[b].end(), ids.as<std::int64_t>() + b * L_);
        std::copy(opt_.textMask[b].begin(), opt_.textMask[b].end(), mask.as<std::int64_t>() + b * L_);
      }
      pending_ = Run::Text;
      return textPlan_;
    }
    case Phase::Cross: {
      // [cond; null]: the null branch is a zero context with a zero mask.
      const std::size_t per = static_cast<std::size_t>(B_ * L_ * spec_.textHidden);
      HostBuffer& states = host(crossStates_);
      HostBuffer& mask = host(encMask_);
      states.resize(static_cast<std::size_t>(rows) * per / static_cast<std::size_t>(B_));
      std::fill_n(states.as<float>(), states.size(), 0.0f);
      mask.resize(static_cast<std::size_t>(rows * L_));
      std::fill_n(mask.as<std::int64_t>(), mask.size(), std::int64_t{0});
      if (!opt_.textIds.empty()) {
        std::copy(host(hidden_).as<float>(), host(hidden_).as<float>() + per, states.as<float>());
        for (std::int64_t b = 0; b < B_; ++b) std::copy(opt_.textMask[b].begin(), opt_.textMask[b].end(), mask.as<std::int64_t>() + b * L_);
      }
      host(hidden_).clear();
      pending_ = Run::Cross;
      return crossPlan_;
    }
    case Phase::Prefill: {
      fillIds(0, next_);
      Plan p = withEmptyCache(prefillPlan_);
      pendingSeq_ = next_;
      for (PlanInput& in : p.inputs) {
        if (in.source != Source::Host) continue;
        if (in.index == encMask_) in.shape = {rows, L_};
        if (in.index == ids_) in.shape = {rows * spec_.codebooks, next_};
      }
      pending_ = Run::Prefill;
      return p;
    }
    case Phase::Step:
    case Phase::Final:
      // A streamed window goes first as soon as its frames are complete: audio early.
      if (stream_) {
        if (auto w = stream_->next(patterns_[0].completeFrames(next_))) {
          pending_ = Run::Window;
          return decodePlan(w->first, w->second);
        }
      }
      if (phase_ == Phase::Step) {
        if (spec_.cacheMergeEvery > 0 && recentLen_ >= spec_.cacheMergeEvery) {
          pending_ = Run::Merge;
          return withEmptyCache(mergePlan_);
        }
        fillIds(next_ - 1, next_);  // the column just predicted, after the pattern fixed its cells
        pending_ = Run::Step;
        pendingSeq_ = 1;
        return withEmptyCache(stepPlan_);
      }
      pending_ = Run::Final;
      return decodePlan(0, frames_);
    case Phase::Done: return std::nullopt;
  }
  return std::nullopt;
}

void MusicgenGenerator::sampleColumn() {
  const std::size_t K = static_cast<std::size_t>(spec_.codebooks), V = static_cast<std::size_t>(spec_.vocab);
  const HostBuffer& l = host(logits_);
  const std::size_t rows = static_cast<std::size_t>(branches_ * B_);
  if (l.size() != rows * K * V)
    throw Error("musicgen step " + std::to_string(stepsDone_) + ": expected " + std::to_string(rows * K * V) + " logits [" + std::to_string(rows) +
                ", " + std::to_string(K) + ", " + std::to_string(V) + "] but outputView received " + std::to_string(l.size()));
  const float* all = l.as<float>();
  const float g = static_cast<float>(opt_.guidance);
  for (std::size_t b = 0; b < static_cast<std::size_t>(B_); ++b)
    for (std::size_t q = 0; q < K; ++q) {
      const float* cond = all + (b * K + q) * V;
      const float* row = cond;
      if (branches_ == 2) {
        guideLogits(cond, all + ((static_cast<std::size_t>(B_) + b) * K + q) * V, g, V, guided_.data());
        row = guided_.data();
      }
      std::int32_t t;
      try {
        t = sampleToken(row, V, sampling_, noContext_, rng_, scratch_);
      } catch (const Error& e) {
        throw Error("musicgen step " + std::to_string(stepsDone_) + ", item " + std::to_string(b) + ", codebook " + std::to_string(q) + ": " + e.detail());
      }
      patterns_[b].write(static_cast<int>(q), next_, t);
    }
  ++next_;
  ++stepsDone_;
}

int MusicgenGenerator::onAccept() {
  const Run run = pending_;
  pending_ = Run::None;
  const std::int64_t K = spec_.codebooks;
  switch (run) {
    case Run::Prompt: {
      const HostBuffer& c = host(promptCodes_);
      const std::size_t want = static_cast<std::size_t>(opt_.prompts * K * promptFrames_);
      if (c.size() != want)
        throw Error("prompt codes: expected " + std::to_string(want) + " codes [" + std::to_string(opt_.prompts) + ", " + std::to_string(K) + ", " +
                    std::to_string(promptFrames_) + "] from the audio encoder but outputView received " + std::to_string(c.size()));
      buildPatterns(c.as<std::int64_t>());
      host(promptAudio_).clear();
      host(promptCodes_).clear();
      phase_ = opt_.textIds.empty() ? Phase::Cross : Phase::Text;
      return 0;
    }
    case Run::Text: {
      const std::size_t want = static_cast<std::size_t>(B_ * L_ * spec_.textHidden);
      if (host(hidden_).size() != want)
        throw Error("text encoder: expected " + std::to_string(want) + " values [" + std::to_string(B_) + ", " + std::to_string(L_) + ", " +
                    std::to_string(spec_.textHidden) + "] but outputView received " + std::to_string(host(hidden_).size()));
      phase_ = Phase::Cross;
      return 0;
    }
    case Run::Cross:
      host(crossStates_).clear();
      phase_ = Phase::Prefill;
      return 0;
    case Run::Merge:
      markSlots(mergePlan_, true);
      recentLen_ = 0;
      return 0;
    case Run::Prefill:
    case Run::Step:
      markSlots(stepPlan_, false);
      recentLen_ += pendingSeq_;
      sampleColumn();
      if (next_ == patterns_[0].length()) phase_ = Phase::Final;
      else phase_ = Phase::Step;
      if (phase_ == Phase::Final) host(ids_).clear();
      return 0;
    case Run::Window: {
      const HostBuffer& a = host(audioOut_);
      const std::int64_t n = stream_->accept(window_.first, window_.second, a.as<float>(), a.size());
      shown_ = &stream_->chunk();
      ++chunks_;
      return static_cast<int>(n);
    }
    case Run::Final: {
      const HostBuffer& a = host(audioOut_);
      const std::size_t want = static_cast<std::size_t>(B_ * frames_ * spec_.hop);
      if (a.size() != want)
        throw Error("audio decoder: expected " + std::to_string(want) + " samples [" + std::to_string(B_) + ", 1, " +
                    std::to_string(frames_ * spec_.hop) + "] but outputView received " + std::to_string(a.size()));
      audio_.assign(a.as<float>(), a.as<float>() + a.size());
      host(audioOut_).clear();
      host(codesIn_).clear();
      if (opt_.returnCodes) {
        codes_.clear();
        for (const DelayPattern& p : patterns_) {
          const auto c = p.revert();
          codes_.insert(codes_.end(), c.begin(), c.end());
        }
      }
      patterns_.clear();
      if (stream_) stream_->release();
      shown_ = &audio_;
      phase_ = Phase::Done;
      return 0;
    }
    case Run::None: break;
  }
  throw Error("musicgen generator: accept() without a plan");
}

void MusicgenGenerator::release() {
  phase_ = Phase::Done;
  pcm_.clear();
  pcm_.shrink_to_fit();
  patterns_.clear();
  patterns_.shrink_to_fit();
  audio_.clear();
  audio_.shrink_to_fit();
  codes_.clear();
  codes_.shrink_to_fit();
  guided_.clear();
  guided_.shrink_to_fit();
  scratch_ = SamplingScratch();
  stream_.reset();
  shown_ = &audio_;
}

void MusicgenGenerator::addStats(Json& s) const {
  s["batch"] = B_;
  s["branches"] = branches_;
  s["frames"] = frames_;
  s["prompt_frames"] = promptFrames_;
  s["decoder_steps"] = stepsTotal_;
  s["decoder_steps_done"] = stepsDone_;
  s["samples"] = frames_ * spec_.hop;
  s["sample_rate"] = spec_.sampleRate;
  s["codebooks"] = spec_.codebooks;
  s["stream_chunks"] = chunks_;
  if (opt_.stream)
    s["stream"] = {{"window", opt_.windows.window}, {"context", opt_.windows.context},
                   {"lookahead", opt_.windows.lookahead}, {"crossfade", opt_.windows.crossfade}};
}

}  // namespace weft
