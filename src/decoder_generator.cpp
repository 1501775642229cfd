#include "weft/decoder_generator.h"

#include <algorithm>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {

namespace ju = json_util;

namespace {

// Applies the non-sampling fields present in `obj`; sampling fields go through parseSamplingParams.
void applyOptions(DecoderOptions& o, const Json& obj, const std::string& prefix, const std::string& path) {
  ju::expectObject(obj, prefix, path);
  if (auto v = obj.find("max_new_tokens"); v != obj.end())
    o.max_new_tokens = ju::asInt(*v, prefix, ju::key(path, "max_new_tokens"));
  if (auto v = obj.find("seed"); v != obj.end()) o.seed = ju::asSeed(*v, prefix, ju::key(path, "seed"));
  if (auto v = obj.find("eos_token_id"); v != obj.end()) {
    const std::string p = ju::key(path, "eos_token_id");
    o.eos.clear();
    if (v->is_array()) {
      for (std::size_t i = 0; i < v->size(); ++i) o.eos.push_back(ju::asInt((*v)[i], prefix, ju::index(p, i)));
    } else if (!v->is_null()) {
      o.eos.push_back(ju::asInt(*v, prefix, p));
    }
  }
  o.sampling = parseSamplingParams(obj, o.sampling, prefix, path);
  if (o.max_new_tokens < 1)
    ju::fail(prefix, ju::key(path, "max_new_tokens"), "must be >= 1 but got " + std::to_string(o.max_new_tokens));
}

}  // namespace

void DecoderSpec::describe(Json&, Json& generation) const {
  const DecoderOptions& o = defaults;  // the effective defaults, without the prompt
  Json eos = o.eos.empty() ? Json(nullptr) : (o.eos.size() == 1 ? Json(o.eos[0]) : Json(o.eos));
  generation = Json{{"max_new_tokens", o.max_new_tokens}, {"do_sample", o.sampling.do_sample},
                    {"temperature", o.sampling.temperature}, {"top_k", o.sampling.top_k},
                    {"top_p", o.sampling.top_p}, {"min_p", o.sampling.min_p},
                    {"repetition_penalty", o.sampling.repetition_penalty}, {"seed", o.seed}, {"eos_token_id", eos}};
}

DecoderGenerator::DecoderGenerator(std::shared_ptr<const Model> model, const Json& options)
    : Generator(std::move(model)) {
  const Manifest& m = this->model().manifest();
  const GeneratorSpec& g = m.generator;
  const DecoderSpec& spec = this->model().spec<DecoderSpec>();
  vocab_ = spec.vocab;
  opt_ = spec.defaults;
  applyOptions(opt_, options, "", "options");
  const Json& prompt = ju::require(options, "prompt", "", "options");
  ju::expectArray(prompt, "", "options.prompt");
  if (prompt.empty()) throw Error("options.prompt: must hold at least one token id");
  for (std::size_t i = 0; i < prompt.size(); ++i) {
    const std::int64_t id = ju::asInt(prompt[i], "", ju::index("options.prompt", i));
    if (id < 0 || id >= vocab_)
      throw Error(ju::index("options.prompt", i) + ": token id " + std::to_string(id) + " is outside [0, " +
                  std::to_string(vocab_) + ")");
    opt_.prompt.push_back(static_cast<std::int32_t>(id));
  }
  const std::int64_t P = static_cast<std::int64_t>(opt_.prompt.size());
  if (auto maxPos = m.dim("max_positions"); maxPos && P + opt_.max_new_tokens > *maxPos)
    throw Error("options: prompt length " + std::to_string(P) + " + max_new_tokens " + std::to_string(opt_.max_new_tokens) +
                " = " + std::to_string(P + opt_.max_new_tokens) + " exceeds dims.max_positions " + std::to_string(*maxPos));

  // Host buffers in plan order: input_ids, attention_mask, position_ids (when the graph has
  // them), then logits. Roles the graph lacks are simply not fed.
  std::vector<std::pair<std::string, int>> hostIn;
  idsHost_ = addHostBuffer(DType::Int64);
  hostIn.emplace_back(*g.role("input_ids"), idsHost_);
  if (const std::string* r = g.role("attention_mask")) {
    maskHost_ = addHostBuffer(DType::Int64);
    hostIn.emplace_back(*r, maskHost_);
  }
  if (const std::string* r = g.role("position_ids")) {
    posHost_ = addHostBuffer(DType::Int64);
    hostIn.emplace_back(*r, posHost_);
  }
  logitsHost_ = addHostBuffer(DType::Float32);
  plan_ = planTemplate(*g.componentFor("component"), hostIn, {HostOutput{*g.role("logits"), logitsHost_, vocab_}});
  rng_ = SplitMix64(opt_.seed);
  context_ = opt_.prompt;
}

std::optional<Plan> DecoderGenerator::makePlan() {
  if (finished_) return std::nullopt;
  const bool prefill = total_ == 0;
  const std::int64_t n = prefill ? static_cast<std::int64_t>(opt_.prompt.size()) : 1;
  const std::int64_t start = total_;
  total_ += n;

  HostBuffer& ids = host(idsHost_);
  ids.resize(static_cast<std::size_t>(n));
  if (prefill) std::copy(opt_.prompt.begin(), opt_.prompt.end(), ids.as<std::int64_t>());
  else ids.as<std::int64_t>()[0] = generated_.back();
  if (maskHost_ >= 0) {
    HostBuffer& mask = host(maskHost_);
    mask.resize(static_cast<std::size_t>(total_));
    std::fill_n(mask.as<std::int64_t>(), total_, std::int64_t{1});
  }
  if (posHost_ >= 0) {
    HostBuffer& pos = host(posHost_);
    pos.resize(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) pos.as<std::int64_t>()[i] = start + i;
  }
  for (PlanInput& in : plan_.inputs) {
    if (in.source != Source::Host) continue;
    in.shape = {1, in.index == maskHost_ ? total_ : n};
  }
  return plan_;
}

int DecoderGenerator::onAccept() {
  const HostBuffer& logits = host(logitsHost_);
  const std::size_t V = static_cast<std::size_t>(vocab_);
  const std::size_t step = generated_.size();
  if (logits.size() < V)
    throw Error("decoder step " + std::to_string(step) + ": expected at least " + std::to_string(V) +
                " logits (the last row) but outputView received " + std::to_string(logits.size()));
  std::int32_t t;
  try {
    // The last row: JS may copy the whole output or only its `tail`.
    t = sampleToken(logits.as<float>() + (logits.size() - V), V, opt_.sampling, context_, rng_, scratch_);
  } catch (const Error& e) {
    throw Error("decoder step " + std::to_string(step) + ": " + e.detail());
  }
  generated_.push_back(t);
  context_.push_back(t);
  if (std::find(opt_.eos.begin(), opt_.eos.end(), t) != opt_.eos.end() ||
      static_cast<std::int64_t>(generated_.size()) >= opt_.max_new_tokens)
    finished_ = true;
  return 1;
}

void DecoderGenerator::release() {
  finished_ = true;
  generated_.clear();
  generated_.shrink_to_fit();
  context_.clear();
  context_.shrink_to_fit();
  scratch_ = SamplingScratch();
}

void DecoderGenerator::addStats(Json& s) const {
  s["prompt_tokens"] = opt_.prompt.size();
  s["new_tokens"] = generated_.size();
}

namespace {

std::shared_ptr<const GeneratorSpecBase> parseDecoderSpec(const Manifest& m) {
  const Component& c = *m.component(*m.generator.componentFor("component"));
  const TensorDesc& logits = *c.findOutput(*m.generator.role("logits"));
  if (logits.shape.empty() || !logits.shape.back().fixed())
    ju::fail("weft.json: ", "generator.io.logits", "the last dim of output '" + logits.name + "' (the vocabulary) must be fixed but its shape is " + shapeString(logits.shape));
  auto s = std::make_shared<DecoderSpec>();
  s->vocab = logits.shape.back().value;
  applyOptions(s->defaults, m.generation, "weft.json: ", "generation");  // built-in: 64 new tokens, greedy
  return s;
}

std::vector<OptionSpec> decoderOptions() {
  const DecoderOptions d;
  std::vector<OptionSpec> o = {
      {"prompt", OptionKind::Integers, "the prompt's token ids (required)", nullptr, {}, {}, false, ""},
      {"max_new_tokens", OptionKind::Integer, "tokens to generate after the prompt", d.max_new_tokens, 1, {}, false, ""},
  };
  for (OptionSpec& s : samplingOptionSpecs(d.sampling, {"do_sample", "temperature", "top_k", "top_p", "min_p", "repetition_penalty"}))
    o.push_back(std::move(s));
  o.push_back({"seed", OptionKind::Seed, "the sampler's seed (a number, or a decimal string for all 64 bits)", 0, {}, {}, false, ""});
  o.push_back({"eos_token_id", OptionKind::IntegerOrIntegers, "token id(s) that end generation", nullptr, {}, {}, false, ""});
  return o;
}

}  // namespace

const GeneratorType& decoderGeneratorType() {
  static const GeneratorType t{
      "decoder",
      {{"component", true}},
      {{"input_ids", true, true, {"component"}, DType::Int64},
       {"attention_mask", true, false, {"component"}, DType::Int64},
       {"position_ids", true, false, {"component"}, DType::Int64},
       {"logits", false, true, {"component"}, DType::Float32}},
      {},
      decoderOptions(),
      parseDecoderSpec,
      [](std::shared_ptr<const Model> m, const Json& o) -> std::unique_ptr<Generator> { return std::make_unique<DecoderGenerator>(std::move(m), o); },
  };
  return t;
}

}  // namespace weft
