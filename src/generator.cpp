#include "weft/generator.h"

#include <chrono>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {

Generator::Generator(std::shared_ptr<const Model> model) : model_(std::move(model)) {}

void Generator::abandon() {
  failed_ = true;
  planOut_ = false;
  host_.clearAll();
  release();
}

void Generator::checkUsable(const char* what) const {
  if (failed_) throw Error(std::string(kind()) + " generator: " + what + " after the generator failed");
}

std::string Generator::slotsJson() const {
  std::vector<bool> used;
  for (const StateSlot& s : model_->slots()) {
    bool any = false;
    for (const std::string& c : s.components) any = any || model_->uses(c);
    used.push_back(any);
  }
  return weft::slotsJson(model_->slots(), batchRows(), cacheCapacity(), used);
}

std::string Generator::constantsJson() const {
  Json a = Json::array();
  for (const ConstantEntry& c : model_->manifest().constants)
    a.push_back({{"component", c.component}, {"name", c.input}, {"dtype", dtypeName(c.dtype)}, {"shape", c.shape}});
  return a.dump();
}

const HostBuffer& Generator::constant(int i) const {
  const auto& cs = model_->manifest().constants;
  if (i < 0 || static_cast<std::size_t>(i) >= cs.size())
    throw Error("constant index " + std::to_string(i) + " is out of range (" + std::to_string(cs.size()) + " constants)");
  return cs[static_cast<std::size_t>(i)].values;
}

std::string Generator::next() {
  return guarded([&]() -> std::string {
    if (done()) return "";
    if (planOut_) throw Error(std::string(kind()) + " generator: next() called again before accept() of the previous plan");
    std::optional<Plan> p = makePlan();
    if (!p) return "";
    planOut_ = true;
    return planToJson(*p);
  });
}

HostBuffer& Generator::hostChecked(int i, const char* what) {
  checkUsable(what);
  if (i < 0 || static_cast<std::size_t>(i) >= host_.size())
    throw Error(std::string(kind()) + " generator: host buffer " + std::to_string(i) + " is out of range (" +
                std::to_string(host_.size()) + " buffers)");
  return host_[i];
}

HostBuffer& Generator::input(int i) {
  return guarded([&]() -> HostBuffer& { return hostChecked(i, "inputView"); });
}

HostBuffer& Generator::output(int i, std::size_t n) {
  return guarded([&]() -> HostBuffer& {
    HostBuffer& b = hostChecked(i, "outputView");
    b.resize(n);
    return b;
  });
}

int Generator::accept() {
  return guarded([&]() -> int {
    checkUsable("accept()");
    if (!planOut_) throw Error(std::string(kind()) + " generator: accept() called without a plan from next()");
    planOut_ = false;
    ++steps_;
    return onAccept();
  });
}

float* Generator::pushView(std::size_t n) {
  return guarded([&] { return onPushView(n); });
}
void Generator::push(std::size_t n) {
  guarded([&] { onPush(n); });
}
void Generator::finish() {
  guarded([&] { onFinish(); });
}

float* Generator::onPushView(std::size_t) {
  throw Error(std::string("a ") + kind() + " generator takes no pushed samples (pushView)");
}
void Generator::onPush(std::size_t) {
  throw Error(std::string("a ") + kind() + " generator takes no pushed samples (push)");
}
void Generator::onFinish() {}

const std::vector<std::int32_t>& Generator::tokens() const {
  static const std::vector<std::int32_t> none;
  return none;
}
const std::vector<float>& Generator::results() const {
  static const std::vector<float> none;
  return none;
}

std::string Generator::statsJson() const {
  Json s = {{"type", kind()}, {"steps", steps_}, {"core_ms", coreMs_}};
  addStats(s);
  return s.dump();
}

Plan Generator::planTemplate(const std::string& component,
                             const std::vector<std::pair<std::string, int>>& hostInputs,
                             const std::vector<HostOutput>& hostOutputs) const {
  const Manifest& m = model_->manifest();
  const Component& c = *m.component(component);
  const auto& slots = model_->slots();
  Plan p;
  p.component = component;
  for (const TensorDesc& t : c.inputs) {
    PlanInput in;
    in.name = t.name;
    in.dtype = t.dtype;
    bool fed = false;
    for (auto& h : hostInputs)
      if (h.first == t.name) { in.source = Source::Host; in.index = h.second; fed = true; }
    for (std::size_t s = 0; !fed && s < slots.size(); ++s)
      if (slots[s].feeds(component) && slots[s].input == t.name) { in.source = Source::Slot; in.index = static_cast<int>(s); fed = true; }
    for (std::size_t k = 0; !fed && k < m.constants.size(); ++k)
      if (m.constants[k].component == component && m.constants[k].input == t.name) { in.source = Source::Const; in.index = static_cast<int>(k); fed = true; }
    if (!fed)
      throw Error("component '" + component + "': input '" + t.name + "' is not fed by the manifest (no generator role, state entry or constant names it)");
    p.inputs.push_back(std::move(in));
  }
  for (const TensorDesc& t : c.outputs) {
    for (const HostOutput& h : hostOutputs)
      if (h.name == t.name) p.outputs.push_back(PlanOutput{t.name, Source::Host, h.host, h.tail});
    for (std::size_t s = 0; s < slots.size(); ++s)
      if (slots[s].writtenBy(component, t.name))
        p.outputs.push_back(PlanOutput{t.name, Source::Slot, static_cast<int>(s), -1});
  }
  return p;
}

}  // namespace weft
