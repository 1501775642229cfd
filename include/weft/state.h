// State slots: one per expanded state entry of the manifest. A slot is a tensor JS keeps between
// runs (as an ORT tensor, possibly on the GPU); the core only knows its initial dtype and shape.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "weft/manifest.h"

namespace weft {

struct StateSlot {
  std::string component;                // the first component the slot feeds
  std::vector<std::string> components;  // every component it feeds
  std::string name;    // the component input the slot feeds
  std::string output;  // the component output that replaces it after each run ("" = none)
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;  // concrete initial shape (init "from": symbolic dims are -1)
  std::string init;                 // "empty" | "zeros" | "from"
  std::string mode;                 // "grow" | "fixed"
  int axis = -1;
  std::int64_t emptyLength = 0;  // init "empty": zero positions it holds when empty (masked)
  std::string initComponent, initOutput;  // init "from": the output that writes it first
  std::vector<Dim> dims;                  // the input's manifest shape

  bool feeds(const std::string& c) const;
  // init "empty": the empty tensor's shape for `batch` rows: emptyLength along axis, `batch` on
  // the dim named batch, every other symbolic dim 1.
  std::vector<std::int64_t> emptyShape(std::int64_t batch) const;
  // Whether a run of `component` replaces this slot with its output `output`.
  bool writtenBy(const std::string& component, const std::string& output) const;
};

// Resolves every slot's initial shape (docs/ARCHITECTURE.md §1):
//  - init "empty": 0 along `axis`, every other symbolic dim 1;
//  - init "zeros": every dim must resolve, except `batch`, which is 1;
//  - init "from": no tensor until the `init_from` component's run writes it (JS holds null).
// Throws weft::Error naming the state entry when a shape cannot be resolved.
std::vector<StateSlot> buildStateSlots(const Manifest& m);

// [{"name","dtype","shape","init"[,"from":{"component","output"}]}] — slot index = array index.
std::string slotsJson(const std::vector<StateSlot>& slots);

}  // namespace weft
