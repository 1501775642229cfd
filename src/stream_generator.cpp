#include "weft/stream_generator.h"

#include <algorithm>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {

namespace ju = json_util;

void StreamSpec::describe(Json& generator, Json&) const {
  generator["chunk"] = chunk;
  generator["context"] = context;
  generator["sample_rate"] = sampleRate ? Json(sampleRate) : Json(nullptr);
}

StreamGenerator::StreamGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json&)
    : Generator(std::move(model)),
      spec_(this->model().spec<StreamSpec>()),
      intake_("stream generator", [](std::uint64_t i, bool nan) {
        return "stream generator: sample " + std::to_string(i) + " is " + (nan ? "NaN" : "infinite") + " (input audio must be finite)";
      }) {
  const GeneratorSpec& g = this->model().manifest().generator;
  samplesHost_ = addHostBuffer(DType::Float32);
  resultHost_ = addHostBuffer(DType::Float32);
  context_.assign(static_cast<std::size_t>(spec_.context), 0.0f);
  plan_ = planTemplate(*g.componentFor("component"), {{*g.role("samples"), samplesHost_}}, {HostOutput{*g.role("result"), resultHost_, -1}});
  for (PlanInput& p : plan_.inputs)
    if (p.source == Source::Host) p.shape = spec_.chunkShape;
}

std::optional<Plan> StreamGenerator::makePlan() {
  const std::size_t C = static_cast<std::size_t>(spec_.chunk);
  const std::size_t avail = intake_.available();
  if (avail < C && !(intake_.finished() && avail > 0)) return std::nullopt;
  const std::size_t take = std::min(avail, C);
  const std::size_t N = context_.size();
  HostBuffer& buf = host(samplesHost_);
  buf.resize(N + C);
  float* dst = buf.as<float>();
  std::copy(context_.begin(), context_.end(), dst);
  std::copy(intake_.data(), intake_.data() + take, dst + N);
  std::fill(dst + N + take, dst + N + C, 0.0f);  // only the final chunk after finish() is short
  std::copy(dst + C, dst + C + N, context_.begin());  // the input's last N samples (N <= C)
  padded_ += static_cast<std::int64_t>(C - take);
  intake_.consume(take);
  chunkRunning_ = true;
  return plan_;
}

int StreamGenerator::onAccept() {
  chunkRunning_ = false;
  const HostBuffer& r = host(resultHost_);
  results_.insert(results_.end(), r.as<float>(), r.as<float>() + r.size());
  return static_cast<int>(r.size());
}

void StreamGenerator::release() {
  chunkRunning_ = false;
  intake_.release();
  context_.clear();
  results_.clear();
  results_.shrink_to_fit();
}

void StreamGenerator::addStats(nlohmann::ordered_json& s) const {
  s["samples_pushed"] = intake_.pushed();
  s["samples_padded"] = padded_;
  s["chunk"] = spec_.chunk;
  s["context"] = spec_.context;
}

namespace {

std::shared_ptr<const GeneratorSpecBase> parseStreamSpec(const Manifest& m) {
  const std::string kP = "weft.json: ";
  const Json& g = m.generator.raw;
  const Component& c = *m.component(*m.generator.componentFor("component"));
  const TensorDesc& in = *c.findInput(*m.generator.role("samples"));
  auto s = std::make_shared<StreamSpec>();
  if (auto cx = g.find("context"); cx != g.end()) {
    s->context = ju::asInt(*cx, kP, "generator.context");
    if (s->context < 0) ju::fail(kP, "generator.context", "must be >= 0");
  }
  if (auto ch = g.find("chunk"); ch != g.end()) s->chunk = ju::asInt(*ch, kP, "generator.chunk");
  else if (!in.shape.empty() && in.shape.back().fixed()) s->chunk = in.shape.back().value - s->context;
  else if (auto d = m.dim("chunk")) s->chunk = *d;
  if (s->chunk <= 0)
    ju::fail(kP, "generator.chunk", "a stream generator needs a chunk size > 0 (from generator.chunk, the last dim of input '" + in.name + "' less generator.context, or dims.chunk)");
  if (s->context > s->chunk)
    ju::fail(kP, "generator.context", "the context (" + std::to_string(s->context) + " samples) is larger than the chunk (" +
                                          std::to_string(s->chunk) + "); it must be <= generator.chunk");
  const std::int64_t frame = s->chunk + s->context;
  if (!in.shape.empty() && in.shape.back().fixed() && in.shape.back().value != frame)
    ju::fail(kP, "generator.context", "input '" + in.name + "' has a fixed last dim of " + std::to_string(in.shape.back().value) +
                                          ", but context + chunk is " + std::to_string(frame));
  if (auto sr = g.find("sample_rate"); sr != g.end()) {
    s->sampleRate = ju::asInt(*sr, kP, "generator.sample_rate");
    if (s->sampleRate <= 0) ju::fail(kP, "generator.sample_rate", "must be > 0");
  }
  // Context + chunk on the last axis, fixed dims as declared, symbolic ones (batch) 1.
  for (std::size_t a = 0; a < in.shape.size(); ++a)
    s->chunkShape.push_back(a + 1 == in.shape.size() ? frame : (in.shape[a].fixed() ? in.shape[a].value : 1));
  if (s->chunkShape.empty() || elementCount(s->chunkShape) != frame)
    ju::fail(kP, "generator.io.samples", "input '" + in.name + "' " + shapeString(in.shape) + " of component '" + c.name +
                                            "' cannot hold one run of " + std::to_string(frame) + " samples (context " +
                                            std::to_string(s->context) + " + chunk " + std::to_string(s->chunk) + ")");
  return s;
}

}  // namespace

const GeneratorType& streamGeneratorType() {
  static const GeneratorType t{
      "stream",
      {{"component", true}},
      {{"samples", true, true, {"component"}, DType::Float32}, {"result", false, true, {"component"}, DType::Float32}},
      {"chunk", "context", "sample_rate"},
      {},
      parseStreamSpec,
      [](std::shared_ptr<const Model> m, const Json& o) -> std::unique_ptr<Generator> { return std::make_unique<StreamGenerator>(std::move(m), o); },
  };
  return t;
}

}  // namespace weft
