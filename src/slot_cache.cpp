#include "weft/slot_cache.h"

namespace weft {

SlotCache::SlotCache(const std::vector<StateSlot>& slots, HostBuffers& hosts, std::int64_t batch, std::int64_t mergeEvery,
                     const Budgets& budgets)
    : slots_(slots), empty_(slots.size(), 0), mergeEvery_(mergeEvery) {
  for (const StateSlot& slot : slots) {
    EmptyFeed f;
    if (slot.mode == SlotMode::Grow && slot.init == SlotInit::Empty) {
      f.shape = slot.emptyShape(batch);
      budgets.checkElements("weft.json: " + slot.path + ": state input '" + slot.input + "' (empty, " + std::to_string(batch) + " rows)", f.shape);
      const std::size_t n = static_cast<std::size_t>(elementCount(f.shape));
      for (const EmptyFeed& e : feeds_)  // one zero buffer per size and dtype
        if (e.host >= 0 && hosts[e.host].size() == n && hosts[e.host].dtype() == slot.dtype) f.host = e.host;
      if (f.host < 0) {
        f.host = hosts.add(slot.dtype);
        hosts[f.host].resize(n);  // zero-filled
      }
    }
    empty_[feeds_.size()] = f.host >= 0;  // until a run writes it: its initial tensor stays unused
    feeds_.push_back(std::move(f));
  }
}

Plan SlotCache::feed(Plan plan) const {
  for (PlanInput& in : plan.inputs) {
    if (in.source != Source::Slot || !empty_[static_cast<std::size_t>(in.index)]) continue;
    const std::size_t s = static_cast<std::size_t>(in.index);
    in.source = Source::Host;
    in.index = feeds_[s].host;
    in.dtype = slots_[s].dtype;
    in.shape = feeds_[s].shape;
  }
  return plan;
}

void SlotCache::ran(const Plan& plan, std::int64_t positions) {
  for (const PlanOutput& out : plan.outputs)
    if (out.source == Source::Slot) empty_[static_cast<std::size_t>(out.index)] = 0;
  recent_ += positions;
}

void SlotCache::merged(const Plan& plan) {
  for (const PlanInput& in : plan.inputs) {
    const std::size_t s = static_cast<std::size_t>(in.index);
    if (in.source == Source::Slot && feeds_[s].host >= 0) empty_[s] = 1;
  }
  ran(plan, 0);
  recent_ = 0;
}

}  // namespace weft
