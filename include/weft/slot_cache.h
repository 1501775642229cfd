// Reusable cache bookkeeping for generators whose state slots grow (KV caches):
//
//  - Empty feeds. A grow slot that holds no positions (before the first run writes it, and after a
//    merge drained it) is fed a shared zero host buffer of its empty shape for the generator's
//    rows instead of its tensor, which after a merge still holds what the merge moved.
//  - Two tiers. With a merge component, the step grows a short recent tier; every `mergeEvery`
//    positions one merge run appends it to the long tier, which leaves the recent tier empty, so
//    no step copies the long tier (docs/MUSICGEN.md, "Package layout": the cache in two tiers).
#pragma once
#include <cstdint>
#include <vector>

#include "weft/budgets.h"
#include "weft/host_buffer.h"
#include "weft/plan.h"
#include "weft/state.h"

namespace weft {

class SlotCache {
 public:
  // mergeEvery: positions between two merges (0: one tier, merges never due).
  // Every empty feed is checked against `budgets` before it is allocated.
  SlotCache(const std::vector<StateSlot>& slots, HostBuffers& hosts, std::int64_t batch, std::int64_t mergeEvery,
            const Budgets& budgets);

  // The plan with every read of an empty slot replaced by its zero host buffer.
  Plan feed(Plan plan) const;
  // After a run that added `positions` to the recent tier: the slots it wrote hold data.
  void ran(const Plan& plan, std::int64_t positions);
  bool mergeDue() const { return mergeEvery_ > 0 && recent_ >= mergeEvery_; }
  // After a merge run: the grow slots it read are empty, those it wrote hold data.
  void merged(const Plan& plan);

 private:
  struct EmptyFeed {
    int host = -1;  // -1: the slot is never fed empty (not a grow slot with init empty)
    std::vector<std::int64_t> shape;
  };
  const std::vector<StateSlot>& slots_;
  std::vector<EmptyFeed> feeds_;  // per slot
  std::vector<char> empty_;       // per slot
  std::int64_t mergeEvery_ = 0, recent_ = 0;
};

}  // namespace weft
