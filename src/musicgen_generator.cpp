#include "weft/musicgen_generator.h"

#include <algorithm>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"
#include "weft/musicgen/audiocraft_sampling.h"

namespace weft {

MusicgenGenerator::MusicgenGenerator(std::shared_ptr<const Model> model, const Json& options)
    : Generator(std::move(model)), spec_(this->model().spec<MusicgenSpec>()) {
  opt_ = parseMusicgenOptions(options, this->model().manifest(), spec_);
  sampling_ = opt_.effectiveSampling();
  batch_ = opt_.batch;
  const bool conditional = !opt_.textIds.empty();
  // Unconditional: both branches would be equal. transformers drops guidance at 1; audiocraft
  // always guides a conditioned request.
  branches_ = conditional && (opt_.audiocraft() || opt_.guidance != 1.0) ? 2 : 1;
  textLength_ = conditional ? static_cast<std::int64_t>(opt_.textIds[0].size()) : 1;
  // The prompt's length at the model's rate decides the prompt frames, so every duration error
  // is reported here, before any audio is pushed.
  if (opt_.promptSamples > 0) {
    prompt_.emplace(opt_, spec_, this->model().manifest().budgets);
    promptFrames_ = prompt_->frames();
  }
  if (!opt_.promptCodes.empty()) promptFrames_ = opt_.promptCodeFrames;
  planWindows();
  chooseCache();
  buildPlans();
  if (prompt_) {
    phase_ = Phase::Prompt;
  } else {
    startWindow(opt_.promptCodes.empty() ? nullptr : opt_.promptCodes.data(), opt_.prompts);
    phase_ = conditional ? Phase::Text : Phase::Cross;
  }
  if (opt_.stream) stream_.emplace(opt_.windows, frames_, spec_.hop, batch_);
  rng_ = SplitMix64(opt_.seed);
  guided_.resize(static_cast<std::size_t>(spec_.vocab));
}

// In place when the package has a step graph for it that runs on the model's backend: capacity
// for the longest window's columns (its prefix and one per step, the last one never fed). The
// prefix is fed one column per run too: onnxruntime-web 1.30's WebGPU GroupQueryAttention refuses
// several new positions on a non-empty cache for more than one row, and on an empty one returned
// wrong attention from about 25 positions on (docs/MUSICGEN.md, "The cache in place on WebGPU").
void MusicgenGenerator::chooseCache() {
  const std::string* stand = model().manifest().generator.componentFor("step_in_place");
  inPlace_ = stand && !model().backend().empty() && model().runsHere(*stand);
  if (!inPlace_) return;
  for (const GenerationWindow& w : windows_) capacity_ = std::max(capacity_, w.frames + spec_.maxDelay + 1);
}

// One plan template per component the request runs; the shapes that never change are set here.
void MusicgenGenerator::buildPlans() {
  const GeneratorSpec& g = model().manifest().generator;
  auto comp = [&](const char* role) { return *g.componentFor(role); };
  auto io = [&](const char* role) { return *g.role(role); };
  for (int* b : {&h_.textIds, &h_.textMask, &h_.crossMask, &h_.ids, &h_.codesIn}) *b = addHostBuffer(DType::Int64);
  for (int* b : {&h_.textStates, &h_.crossStates, &h_.logits, &h_.audioOut}) *b = addHostBuffer(DType::Float32);
  const std::int64_t rows = batchRows(), L = textLength_;
  plans_.text = planTemplate(comp("text_encoder"), {{io("text_ids"), h_.textIds}, {io("text_mask"), h_.textMask}},
                             {HostOutput{io("text_states"), h_.textStates, -1}});
  plans_.cross = planTemplate(comp("cross_kv"), {{io("encoder_hidden_states"), h_.crossStates}, {io("encoder_attention_mask"), h_.crossMask}}, {});
  const std::vector<std::pair<std::string, int>> decoderIn = {{io("input_ids"), h_.ids}, {io("encoder_attention_mask"), h_.crossMask}};
  if (inPlace_) {
    h_.positions = addHostBuffer(DType::Int64);
    h_.seqlens = addHostBuffer(DType::Int32);
    h_.total = addHostBuffer(DType::Int32);
    host(h_.seqlens).resize(static_cast<std::size_t>(rows));
    host(h_.total).resize(1);
    std::vector<std::pair<std::string, int>> in = decoderIn;
    in.insert(in.end(), {{io("positions"), h_.positions}, {io("seqlens"), h_.seqlens}, {io("total_length"), h_.total}});
    plans_.prefill = plans_.step = planTemplate(comp("step_in_place"), in, {HostOutput{io("logits"), h_.logits, -1}});
  } else {
    plans_.prefill = planTemplate(comp("prefill"), decoderIn, {HostOutput{io("logits"), h_.logits, -1}});
    plans_.step = planTemplate(comp("step"), decoderIn, {HostOutput{io("logits"), h_.logits, -1}});
    if (spec_.cacheMergeEvery > 0) plans_.merge = planTemplate(comp("cache_merge"), {}, {});
  }
  plans_.decode = planTemplate(comp("audio_decoder"), {{io("codes_in"), h_.codesIn}}, {HostOutput{io("audio_out"), h_.audioOut, -1}});
  for (PlanInput& in : plans_.text.inputs) in.shape = {batch_, L};
  for (PlanInput& in : plans_.cross.inputs)
    if (in.source == Source::Host) in.shape = in.index == h_.crossMask ? std::vector<std::int64_t>{rows, L} : std::vector<std::int64_t>{rows, L, spec_.textHidden};
  for (Plan* p : {&plans_.prefill, &plans_.step})
    for (PlanInput& in : p->inputs) {
      if (in.source != Source::Host) continue;
      if (in.index == h_.crossMask) in.shape = {rows, L};
      if (in.index == h_.seqlens) in.shape = {rows};
      if (in.index == h_.total) {
        in.shape = {};
        in.onHost = true;  // GroupQueryAttention reads total_sequence_length on the CPU
      }
    }
  for (PlanInput& in : plans_.step.inputs)
    if (in.index == h_.ids && in.source == Source::Host) in.shape = {rows * spec_.codebooks, 1};
  if (!prompt_) return;
  h_.promptAudio = addHostBuffer(DType::Float32);
  h_.promptCodes = addHostBuffer(DType::Int64);
  plans_.prompt = planTemplate(comp("audio_encoder"), {{io("audio_in"), h_.promptAudio}}, {HostOutput{io("codes_out"), h_.promptCodes, -1}});
  for (PlanInput& in : plans_.prompt.inputs) in.shape = {opt_.prompts, 1, prompt_->samplesPerPrompt()};
}

// The request's windows (one unless it is longer than max_duration), the song they make and
// the decoder runs they take.
void MusicgenGenerator::planWindows() {
  const std::int64_t T = musicgenFrames(opt_, spec_, promptFrames_);
  const double seconds = opt_.seconds > 0.0 ? opt_.seconds : static_cast<double>(T) / static_cast<double>(spec_.frameRate);
  windows_ = generationWindows(seconds, T, promptFrames_, opt_.maxDuration, opt_.stride(), spec_.frameRate);
  frames_ = windows_.back().offset + windows_.back().frames;
  for (const GenerationWindow& w : windows_) stepsTotal_ += w.frames + spec_.maxDelay - w.promptFrames;  // columns after each prefix
  const Budgets& budgets = model().manifest().budgets;
  budgets.checkElements("the song's codes [batch, codebooks, frames]", {batch_, spec_.codebooks, frames_});
  budgets.checkElements("the song's audio [batch, samples]", {batch_, frames_ * spec_.hop});
  song_.assign(static_cast<std::size_t>(batch_ * spec_.codebooks * frames_), 0);
}

// A window's delay patterns from its prompt codes ([prompts][codebooks][promptFrames]; one
// prompt is shared by every item), on an empty cache: the next run is its prefill.
void MusicgenGenerator::startWindow(const std::int64_t* promptCodes, std::int64_t prompts) {
  const GenerationWindow& w = windows_[static_cast<std::size_t>(window_)];
  const std::size_t per = static_cast<std::size_t>(spec_.codebooks * w.promptFrames);
  patterns_.clear();
  for (std::int64_t b = 0; b < batch_; ++b) {
    const std::int64_t* p = w.promptFrames > 0 ? promptCodes + (prompts == 1 ? 0 : static_cast<std::size_t>(b) * per) : nullptr;
    patterns_.emplace_back(spec_.delays, static_cast<std::int32_t>(spec_.special), w.frames, p, w.promptFrames);
  }
  column_ = patterns_[0].firstFree();
  cached_ = 0;  // in place: what the cache holds past this is masked, never cleared
  if (!inPlace_) cache_.emplace(model().slots(), hostBuffers(), batchRows(), spec_.cacheMergeEvery, model().manifest().budgets);
}

// The finished window's frames into the song; the next window (if any) is prompted with the song
// from its offset on.
void MusicgenGenerator::finishWindow() {
  const GenerationWindow& w = windows_[static_cast<std::size_t>(window_)];
  const std::int64_t K = spec_.codebooks;
  std::vector<std::int64_t> codes(static_cast<std::size_t>(K * w.frames));
  for (std::int64_t b = 0; b < batch_; ++b) {
    patterns_[static_cast<std::size_t>(b)].revert(0, w.frames, codes.data());
    for (std::int64_t q = 0; q < K; ++q)
      std::copy_n(codes.begin() + q * w.frames, w.frames, song_.begin() + ((b * K + q) * frames_ + w.offset));
  }
  if (window_ + 1 == static_cast<std::int64_t>(windows_.size())) return;
  const GenerationWindow& next = windows_[static_cast<std::size_t>(++window_)];
  std::vector<std::int64_t> prompt(static_cast<std::size_t>(batch_ * K * next.promptFrames));
  for (std::int64_t r = 0; r < batch_ * K; ++r)
    std::copy_n(song_.begin() + (r * frames_ + next.offset), next.promptFrames, prompt.begin() + r * next.promptFrames);
  startWindow(prompt.data(), batch_);
}

// Frames of the song whose codes are final: those before the window, its prompt, and what its
// columns completed.
std::int64_t MusicgenGenerator::completeFrames() const {
  const GenerationWindow& w = windows_[static_cast<std::size_t>(window_)];
  return w.offset + std::max(w.promptFrames, patterns_[0].completeFrames(column_));
}

// codes[q, t] of item b for song frames [lo, hi) into out ([codebooks, hi - lo]): before the
// running window from the song, from there on from the window's pattern.
void MusicgenGenerator::songCodes(std::int64_t b, std::int64_t lo, std::int64_t hi, std::int64_t* out) const {
  const std::int64_t K = spec_.codebooks, n = hi - lo, offset = windows_[static_cast<std::size_t>(window_)].offset;
  const std::int64_t split = std::clamp(offset, lo, hi);
  for (std::int64_t q = 0; q < K; ++q)
    std::copy_n(song_.begin() + ((b * K + q) * frames_ + lo), split - lo, out + q * n);
  if (split == hi) return;
  std::vector<std::int64_t> tail(static_cast<std::size_t>(K * (hi - split)));
  patterns_[static_cast<std::size_t>(b)].revert(split - offset, hi - offset, tail.data());
  for (std::int64_t q = 0; q < K; ++q) std::copy_n(tail.begin() + q * (hi - split), hi - split, out + q * n + (split - lo));
}

PromptAudio& MusicgenGenerator::prompt(const char* what) {
  if (!prompt_) throw Error(std::string("musicgen generator: ") + what + " but the options announced no prompt (options.prompt_samples)");
  return *prompt_;
}

float* MusicgenGenerator::onPushView(std::size_t n) { return prompt("pushView()").view(n); }
void MusicgenGenerator::onPush(std::size_t n) { prompt("push()").push(n); }
void MusicgenGenerator::onFinish() {
  if (prompt_) prompt_->finish();
}

std::optional<Plan> MusicgenGenerator::makePlan() {
  switch (phase_) {
    case Phase::Prompt:
      if (!prompt_->ready()) return std::nullopt;  // waiting for the prompt audio
      host(h_.promptAudio).resize(static_cast<std::size_t>(opt_.prompts * prompt_->samplesPerPrompt()));
      prompt_->writeMono(host(h_.promptAudio).as<float>());
      running_ = Run::Prompt;
      return plans_.prompt;
    case Phase::Text: return textPlan();
    case Phase::Cross: return crossPlan();
    case Phase::Prefill: return prefillPlan();
    case Phase::Step:
    case Phase::Final:
      if (auto w = windowPlan()) return w;  // a streamed window goes first: audio early
      if (phase_ == Phase::Step) return stepPlan();
      running_ = Run::Final;
      return decodePlan(0, frames_);
    case Phase::Done: return std::nullopt;
  }
  return std::nullopt;
}

Plan MusicgenGenerator::textPlan() {
  HostBuffer& ids = host(h_.textIds);
  HostBuffer& mask = host(h_.textMask);
  ids.resize(static_cast<std::size_t>(batch_ * textLength_));
  mask.resize(static_cast<std::size_t>(batch_ * textLength_));
  for (std::int64_t b = 0; b < batch_; ++b) {
    std::copy(opt_.textIds[b].begin(), opt_.textIds[b].end(), ids.as<std::int64_t>() + b * textLength_);
    std::copy(opt_.textMask[b].begin(), opt_.textMask[b].end(), mask.as<std::int64_t>() + b * textLength_);
  }
  running_ = Run::Text;
  return plans_.text;
}

// [cond; null] rows: the null branch is a zero context with a zero mask.
Plan MusicgenGenerator::crossPlan() {
  const std::size_t per = static_cast<std::size_t>(batch_ * textLength_ * spec_.textHidden);
  HostBuffer& states = host(h_.crossStates);
  HostBuffer& mask = host(h_.crossMask);
  states.resize(static_cast<std::size_t>(branches_) * per);
  std::fill_n(states.as<float>(), states.size(), 0.0f);
  mask.resize(static_cast<std::size_t>(batchRows() * textLength_));
  std::fill_n(mask.as<std::int64_t>(), mask.size(), std::int64_t{0});
  if (!opt_.textIds.empty()) {
    std::copy(host(h_.textStates).as<float>(), host(h_.textStates).as<float>() + per, states.as<float>());
    for (std::int64_t b = 0; b < batch_; ++b)
      std::copy(opt_.textMask[b].begin(), opt_.textMask[b].end(), mask.as<std::int64_t>() + b * textLength_);
  }
  host(h_.textStates).clear();
  running_ = Run::Cross;
  return plans_.cross;
}

Plan MusicgenGenerator::prefillPlan() {
  if (inPlace_) {  // one column per run (chooseCache)
    fillIds(cached_, cached_ + 1);
    columnsInFlight_ = 1;
    running_ = Run::Prefill;
    return withPositions(plans_.step, 1);
  }
  fillIds(0, column_);
  Plan p = cache_->feed(plans_.prefill);
  for (PlanInput& in : p.inputs)
    if (in.source == Source::Host && in.index == h_.ids) in.shape = {batchRows() * spec_.codebooks, column_};
  columnsInFlight_ = column_;
  running_ = Run::Prefill;
  return p;
}

Plan MusicgenGenerator::stepPlan() {
  if (!inPlace_ && cache_->mergeDue()) {
    running_ = Run::Merge;
    return cache_->feed(plans_.merge);
  }
  fillIds(column_ - 1, column_);  // the column just predicted, after the pattern fixed its cells
  columnsInFlight_ = 1;
  running_ = Run::Step;
  return inPlace_ ? withPositions(plans_.step, 1) : cache_->feed(plans_.step);
}

// The in-place step's position inputs for a run adding `added` columns: their positions, and
// the `total` the cache then holds; the attention operator takes total - 1 per row.
Plan MusicgenGenerator::withPositions(Plan p, std::int64_t added) {
  const std::int64_t total = cached_ + added;
  if (total > capacity_)
    throw Error("musicgen generator: the in-place cache holds " + std::to_string(capacity_) + " positions but run " + std::to_string(stepsDone_) +
                " needs " + std::to_string(total));
  HostBuffer& positions = host(h_.positions);
  positions.resize(static_cast<std::size_t>(added));
  for (std::int64_t i = 0; i < added; ++i) positions.as<std::int64_t>()[i] = cached_ + i;
  for (PlanInput& in : p.inputs)
    if (in.source == Source::Host && in.index == h_.positions) in.shape = {added};
  std::fill_n(host(h_.seqlens).as<std::int32_t>(), host(h_.seqlens).size(), static_cast<std::int32_t>(total - 1));
  host(h_.total).as<std::int32_t>()[0] = static_cast<std::int32_t>(total);
  return p;
}

std::optional<Plan> MusicgenGenerator::windowPlan() {
  if (!stream_) return std::nullopt;
  auto w = stream_->next(completeFrames());
  if (!w) return std::nullopt;
  running_ = Run::Window;
  return decodePlan(w->first, w->second);
}

// Rows [cond items; null items] x codebooks, columns [from, to) of each item's pattern.
void MusicgenGenerator::fillIds(std::int64_t from, std::int64_t to) {
  const std::int64_t K = spec_.codebooks;
  HostBuffer& ids = host(h_.ids);
  ids.resize(static_cast<std::size_t>(batchRows() * K * (to - from)));
  std::int64_t* out = ids.as<std::int64_t>();
  for (std::int64_t branch = 0; branch < branches_; ++branch)
    for (const DelayPattern& pattern : patterns_)
      for (int q = 0; q < K; ++q)
        for (std::int64_t s = from; s < to; ++s) *out++ = pattern.at(q, s);
}

Plan MusicgenGenerator::decodePlan(std::int64_t lo, std::int64_t hi) {
  const std::int64_t K = spec_.codebooks, n = hi - lo;
  HostBuffer& codes = host(h_.codesIn);
  codes.resize(static_cast<std::size_t>(batch_ * K * n));
  for (std::int64_t b = 0; b < batch_; ++b) songCodes(b, lo, hi, codes.as<std::int64_t>() + b * K * n);
  Plan p = plans_.decode;
  for (PlanInput& in : p.inputs)
    if (in.source == Source::Host) in.shape = {1, batch_, K, n};
  decoding_ = {lo, hi};
  return p;
}

int MusicgenGenerator::onAccept() {
  const Run run = running_;
  running_ = Run::None;
  switch (run) {
    case Run::Prompt: acceptPrompt(); return 0;
    case Run::Text: acceptText(); return 0;
    case Run::Cross:
      acceptCross();
      return 0;
    case Run::Merge: cache_->merged(plans_.merge); return 0;
    case Run::Prefill:
      if (inPlace_ && cached_ + columnsInFlight_ < column_) {  // more of the prefix to feed first
        cached_ += columnsInFlight_;
        return 0;
      }
      [[fallthrough]];
    case Run::Step: acceptColumn(); return 0;
    case Run::Window: return acceptWindow();
    case Run::Final: acceptFinal(); return 0;
    case Run::None: break;
  }
  throw Error("musicgen generator: accept() without a plan");
}

void MusicgenGenerator::acceptPrompt() {
  const HostBuffer& c = host(h_.promptCodes);
  const std::size_t want = static_cast<std::size_t>(opt_.prompts * spec_.codebooks * promptFrames_);
  if (c.size() != want)
    throw Error("prompt codes: expected " + std::to_string(want) + " codes [" + std::to_string(opt_.prompts) + ", " + std::to_string(spec_.codebooks) +
                ", " + std::to_string(promptFrames_) + "] from the audio encoder but outputView received " + std::to_string(c.size()));
  startWindow(c.as<std::int64_t>(), opt_.prompts);
  host(h_.promptAudio).clear();
  host(h_.promptCodes).clear();
  phase_ = opt_.textIds.empty() ? Phase::Cross : Phase::Text;
}

void MusicgenGenerator::acceptText() {
  const std::size_t want = static_cast<std::size_t>(batch_ * textLength_ * spec_.textHidden);
  if (host(h_.textStates).size() != want)
    throw Error("text encoder: expected " + std::to_string(want) + " values [" + std::to_string(batch_) + ", " + std::to_string(textLength_) + ", " +
                std::to_string(spec_.textHidden) + "] but outputView received " + std::to_string(host(h_.textStates).size()));
  phase_ = Phase::Cross;
}

// audiocraft's language model attends over every text position (padding is zero states, not
// masked); the cross K/V were computed with the real mask, which zeroed those states.
void MusicgenGenerator::acceptCross() {
  host(h_.crossStates).clear();
  if (opt_.audiocraft()) {
    HostBuffer& mask = host(h_.crossMask);
    std::fill_n(mask.as<std::int64_t>(), mask.size(), std::int64_t{1});
  }
  phase_ = Phase::Prefill;
}

void MusicgenGenerator::acceptColumn() {
  if (inPlace_) cached_ += columnsInFlight_;
  else cache_->ran(plans_.step, columnsInFlight_);
  sampleColumn();
  phase_ = Phase::Step;
  if (column_ < patterns_[0].length()) return;
  const bool last = window_ + 1 == static_cast<std::int64_t>(windows_.size());
  finishWindow();
  phase_ = last ? Phase::Final : Phase::Prefill;
  if (last) host(h_.ids).clear();
}

// One token per item and codebook from the guided logits of the column just run.
void MusicgenGenerator::sampleColumn() {
  const std::size_t K = static_cast<std::size_t>(spec_.codebooks), V = static_cast<std::size_t>(spec_.vocab);
  const std::size_t B = static_cast<std::size_t>(batch_), rows = static_cast<std::size_t>(batchRows());
  const HostBuffer& l = host(h_.logits);
  if (l.size() != rows * K * V)
    throw Error("musicgen step " + std::to_string(stepsDone_) + ": expected " + std::to_string(rows * K * V) + " logits [" + std::to_string(rows) +
                ", " + std::to_string(K) + ", " + std::to_string(V) + "] but outputView received " + std::to_string(l.size()));
  const float* all = l.as<float>();
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t q = 0; q < K; ++q) {
      const float* row = all + (b * K + q) * V;
      if (branches_ == 2) {
        guideLogits(row, all + ((B + b) * K + q) * V, static_cast<float>(opt_.guidance), V, guided_.data());
        row = guided_.data();
      }
      std::int32_t t;
      try {
        t = opt_.audiocraft() ? sampleTokenAudiocraft(row, V, opt_.sampling, opt_.topP, rng_, scratch_)
                              : sampleToken(row, V, sampling_, noContext_, rng_, scratch_);
      } catch (const Error& e) {
        throw Error("musicgen step " + std::to_string(stepsDone_) + ", item " + std::to_string(b) + ", codebook " + std::to_string(q) + ": " + e.detail());
      }
      patterns_[b].write(static_cast<int>(q), column_, t);
    }
  ++column_;
  ++stepsDone_;
}

int MusicgenGenerator::acceptWindow() {
  const HostBuffer& a = host(h_.audioOut);
  const std::int64_t n = stream_->accept(decoding_.first, decoding_.second, a.as<float>(), a.size());
  shown_ = &stream_->chunk();
  ++chunks_;
  return static_cast<int>(n);
}

void MusicgenGenerator::acceptFinal() {
  const HostBuffer& a = host(h_.audioOut);
  const std::size_t want = static_cast<std::size_t>(batch_ * frames_ * spec_.hop);
  if (a.size() != want)
    throw Error("audio decoder: expected " + std::to_string(want) + " samples [" + std::to_string(batch_) + ", 1, " +
                std::to_string(frames_ * spec_.hop) + "] but outputView received " + std::to_string(a.size()));
  audio_.assign(a.as<float>(), a.as<float>() + a.size());
  host(h_.audioOut).clear();
  host(h_.codesIn).clear();
  if (opt_.returnCodes) codes_.assign(song_.begin(), song_.end());
  patterns_.clear();
  song_ = {};
  if (stream_) stream_->release();
  shown_ = &audio_;
  phase_ = Phase::Done;
}

void MusicgenGenerator::release() {
  phase_ = Phase::Done;
  if (prompt_) prompt_->release();
  patterns_ = {};
  song_ = {};
  audio_ = {};
  codes_ = {};
  guided_ = {};
  scratch_ = SamplingScratch();
  stream_.reset();
  shown_ = &audio_;
}

void MusicgenGenerator::addStats(Json& s) const {
  s["batch"] = batch_;
  s["branches"] = branches_;
  s["frames"] = frames_;
  s["prompt_frames"] = promptFrames_;
  s["decoder_steps"] = stepsTotal_;
  s["decoder_steps_done"] = stepsDone_;
  s["frames_done"] = phase_ == Phase::Done ? frames_ : patterns_.empty() ? 0 : completeFrames();
  s["window"] = window_;  // 0-based
  s["windows"] = static_cast<std::int64_t>(windows_.size());
  s["semantics"] = opt_.audiocraft() ? "audiocraft" : "transformers";
  s["samples"] = frames_ * spec_.hop;
  s["sample_rate"] = spec_.sampleRate;
  s["codebooks"] = spec_.codebooks;
  s["stream_chunks"] = chunks_;
  if (opt_.stream)
    s["stream"] = {{"window", opt_.windows.window}, {"context", opt_.windows.context},
                   {"lookahead", opt_.windows.lookahead}, {"crossfade", opt_.windows.crossfade}};
}

const GeneratorType& musicgenGeneratorType() {
  static const GeneratorType t{
      "musicgen",
      {{"text_encoder", true}, {"cross_kv", true}, {"prefill", true}, {"step", true},
       {"cache_merge", false},     // without it the cache is one tier
       // WebGPU: one step graph over a cache it updates in place, for prefill and steps alike
       {"step_in_place", false, {"prefill", "step", "cache_merge"}},
       {"audio_encoder", false},   // without it no continuation
       {"audio_decoder", true}},
      {{"text_ids", true, true, {"text_encoder"}, DType::Int64},
       {"text_mask", true, true, {"text_encoder"}, DType::Int64},
       {"text_states", false, true, {"text_encoder"}, DType::Float32},
       {"encoder_hidden_states", true, true, {"cross_kv"}, DType::Float32},
       {"encoder_attention_mask", true, true, {"cross_kv", "prefill", "step", "step_in_place"}, DType::Int64},
       {"input_ids", true, true, {"prefill", "step", "step_in_place"}, DType::Int64},
       {"logits", false, true, {"prefill", "step", "step_in_place"}, DType::Float32},
       {"positions", true, true, {"step_in_place"}, DType::Int64},
       {"seqlens", true, true, {"step_in_place"}, DType::Int32},
       {"total_length", true, true, {"step_in_place"}, DType::Int32},
       {"audio_in", true, true, {"audio_encoder"}, DType::Float32},
       {"codes_out", false, true, {"audio_encoder"}, DType::Int64},
       {"codes_in", true, true, {"audio_decoder"}, DType::Int64},
       {"audio_out", false, true, {"audio_decoder"}, DType::Float32}},
      // input_ids_layout and cfg: descriptions the toolkit writes for other runtimes' authors
      {"special_token", "delay", "codebooks", "min_prompt_samples", "cache_merge_every", "input_ids_layout", "cfg"},
      musicgenOptionSpecs(),
      parseMusicgenSpec,
      [](std::shared_ptr<const Model> m, const Json& o) -> std::unique_ptr<Generator> { return std::make_unique<MusicgenGenerator>(std::move(m), o); },
  };
  return t;
}

}  // namespace weft
