#include "weft/stream_generator.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {

StreamGenerator::StreamGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options)
    : Generator(std::move(model)) {
  json_util::expectObject(options, "", "options");
  if (!options.empty())
    throw Error("options." + options.begin().key() + ": unknown option (a stream generator takes none)");
  const Manifest& m = this->model().manifest();
  const GeneratorSpec& g = m.generator;
  const Component& c = *m.component(g.component);
  chunk_ = g.chunk;
  const TensorDesc& in = *c.findInput(*g.role("samples"));
  const TensorDesc& out = *c.findOutput(*g.role("result"));
  if (in.dtype != DType::Float32 || out.dtype != DType::Float32)
    throw Error("component '" + c.name + "': a stream generator needs float32 '" + in.name + "' and '" + out.name + "'");
  samplesHost_ = addHostBuffer(DType::Float32);
  resultHost_ = addHostBuffer(DType::Float32);
  plan_ = planTemplate(c.name, {{in.name, samplesHost_}}, {HostOutput{out.name, resultHost_, -1}});
  // Host shape: the chunk on the last axis, fixed dims as declared, symbolic ones (batch) 1.
  std::vector<std::int64_t> shape;
  for (std::size_t a = 0; a < in.shape.size(); ++a)
    shape.push_back(a + 1 == in.shape.size() ? chunk_ : (in.shape[a].fixed() ? in.shape[a].value : 1));
  if (shape.empty() || elementCount(shape) != chunk_)
    throw Error("component '" + c.name + "': input '" + in.name + "' " + shapeString(in.shape) +
                " cannot hold one chunk of " + std::to_string(chunk_) + " samples");
  for (PlanInput& p : plan_.inputs)
    if (p.source == Source::Host) p.shape = shape;
}

float* StreamGenerator::onPushView(std::size_t n) {
  if (inputDone_) throw Error("stream generator: pushView() after finish()");
  if (head_ > 0) {  // drop consumed samples so the buffer does not grow without bound
    std::memmove(pending_.data(), pending_.data() + head_, (tail_ - head_) * sizeof(float));
    tail_ -= head_;
    head_ = 0;
  }
  pending_.resize(tail_ + n);
  reserved_ = n;
  return pending_.data() + tail_;
}

void StreamGenerator::onPush(std::size_t n) {
  if (inputDone_) throw Error("stream generator: push() after finish()");
  if (n > reserved_)
    throw Error("stream generator: push(" + std::to_string(n) + ") but the last pushView() reserved only " +
                std::to_string(reserved_) + " samples");
  // NaN / Inf samples would silently poison the recurrent state for the rest of the stream.
  const float* fresh = pending_.data() + tail_;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(fresh[i]))
      throw Error("stream generator: sample " + std::to_string(pushed_ + static_cast<std::int64_t>(i)) + " is " +
                  (std::isnan(fresh[i]) ? "NaN" : "infinite") + " (input audio must be finite)");
  tail_ += n;
  pushed_ += static_cast<std::int64_t>(n);
  reserved_ = 0;
}

std::optional<Plan> StreamGenerator::makePlan() {
  const std::size_t C = static_cast<std::size_t>(chunk_);
  const std::size_t avail = tail_ - head_;
  if (avail < C && !(inputDone_ && avail > 0)) return std::nullopt;
  const std::size_t take = std::min(avail, C);
  HostBuffer& buf = host(samplesHost_);
  buf.resize(C);
  float* dst = buf.as<float>();
  std::copy(pending_.data() + head_, pending_.data() + head_ + take, dst);
  std::fill(dst + take, dst + C, 0.0f);  // only the final chunk after finish() is short
  padded_ += static_cast<std::int64_t>(C - take);
  head_ += take;
  running_ = true;
  return plan_;
}

int StreamGenerator::onAccept() {
  running_ = false;
  const HostBuffer& r = host(resultHost_);
  results_.insert(results_.end(), r.as<float>(), r.as<float>() + r.size());
  return static_cast<int>(r.size());
}

void StreamGenerator::release() {
  inputDone_ = true;
  running_ = false;
  pending_.clear();
  pending_.shrink_to_fit();
  results_.clear();
  results_.shrink_to_fit();
  head_ = tail_ = reserved_ = 0;
}

void StreamGenerator::addStats(nlohmann::ordered_json& s) const {
  s["samples_pushed"] = pushed_;
  s["samples_padded"] = padded_;
  s["chunk"] = chunk_;
}

}  // namespace weft
