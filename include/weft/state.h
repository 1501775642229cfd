// State slots: one per expanded state entry of the manifest. A slot is a tensor JS keeps between
// runs (as an ORT tensor, possibly on the GPU); the core only knows its initial dtype and shape.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "weft/manifest.h"

namespace weft {

struct StateSlot {
  std::string component;
  std::string name;    // the component input the slot feeds
  std::string output;  // the component output that replaces it after each run
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;  // concrete initial shape
  std::string init;                 // "empty" | "zeros"
  std::string mode;                 // "grow" | "fixed"
  int axis = -1;
};

// Resolves every slot's initial shape (docs/ARCHITECTURE.md §1):
//  - init "empty": 0 along `axis`, every other symbolic dim 1;
//  - init "zeros": every dim must resolve, except `batch`, which is 1.
// Throws weft::Error naming the state entry when a shape cannot be resolved.
std::vector<StateSlot> buildStateSlots(const Manifest& m);

// [{"name","dtype","shape","init"}] — slot index = array index (Generator.slots()).
std::string slotsJson(const std::vector<StateSlot>& slots);

}  // namespace weft
