#include "weft/stream_generator.h"

#include <algorithm>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {

namespace ju = json_util;

void StreamSpec::describe(Json& generator, Json&) const {
  generator["chunk"] = chunk;
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
  plan_ = planTemplate(*g.componentFor("component"), {{*g.role("samples"), samplesHost_}}, {HostOutput{*g.role("result"), resultHost_, -1}});
  for (PlanInput& p : plan_.inputs)
    if (p.source == Source::Host) p.shape = spec_.chunkShape;
}

std::optional<Plan> StreamGenerator::makePlan() {
  const std::size_t C = static_cast<std::size_t>(spec_.chunk);
  const std::size_t avail = intake_.available();
  if (avail < C && !(intake_.finished() && avail > 0)) return std::nullopt;
  const std::size_t take = std::min(avail, C);
  HostBuffer& buf = host(samplesHost_);
  buf.resize(C);
  float* dst = buf.as<float>();
  std::copy(intake_.data(), intake_.data() + take, dst);
  std::fill(dst + take, dst + C, 0.0f);  // only the final chunk after finish() is short
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
  results_.clear();
  results_.shrink_to_fit();
}

void StreamGenerator::addStats(nlohmann::ordered_json& s) const {
  s["samples_pushed"] = intake_.pushed();
  s["samples_padded"] = padded_;
  s["chunk"] = spec_.chunk;
}

namespace {

std::shared_ptr<const GeneratorSpecBase> parseStreamSpec(const Manifest& m) {
  const std::string kP = "weft.json: ";
  const Json& g = m.generator.raw;
  const Component& c = *m.component(*m.generator.componentFor("component"));
  const TensorDesc& in = *c.findInput(*m.generator.role("samples"));
  auto s = std::make_shared<StreamSpec>();
  if (auto ch = g.find("chunk"); ch != g.end()) s->chunk = ju::asInt(*ch, kP, "generator.chunk");
  else if (!in.shape.empty() && in.shape.back().fixed()) s->chunk = in.shape.back().value;
  else if (auto d = m.dim("chunk")) s->chunk = *d;
  if (s->chunk <= 0)
    ju::fail(kP, "generator.chunk", "a stream generator needs a chunk size > 0 (from generator.chunk, the last dim of input '" + in.name + "' or dims.chunk)");
  if (auto sr = g.find("sample_rate"); sr != g.end()) {
    s->sampleRate = ju::asInt(*sr, kP, "generator.sample_rate");
    if (s->sampleRate <= 0) ju::fail(kP, "generator.sample_rate", "must be > 0");
  }
  // The chunk on the last axis, fixed dims as declared, symbolic ones (batch) 1.
  for (std::size_t a = 0; a < in.shape.size(); ++a)
    s->chunkShape.push_back(a + 1 == in.shape.size() ? s->chunk : (in.shape[a].fixed() ? in.shape[a].value : 1));
  if (s->chunkShape.empty() || elementCount(s->chunkShape) != s->chunk)
    ju::fail(kP, "generator.io.samples", "input '" + in.name + "' " + shapeString(in.shape) + " of component '" + c.name +
                                            "' cannot hold one chunk of " + std::to_string(s->chunk) + " samples");
  return s;
}

}  // namespace

const GeneratorType& streamGeneratorType() {
  static const GeneratorType t{
      "stream",
      {{"component", true}},
      {{"samples", true, true, {"component"}, DType::Float32}, {"result", false, true, {"component"}, DType::Float32}},
      {"chunk", "sample_rate"},
      {},
      parseStreamSpec,
      [](std::shared_ptr<const Model> m, const Json& o) -> std::unique_ptr<Generator> { return std::make_unique<StreamGenerator>(std::move(m), o); },
  };
  return t;
}

}  // namespace weft
