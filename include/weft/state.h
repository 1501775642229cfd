// State slots: one per expanded entry of the manifest's `state` list. A slot is a tensor JS keeps
// between runs (as an ORT tensor, possibly on the GPU); the core knows how it starts, which
// components read and write it, and whether it grows along an axis (docs/MANIFEST.md, "state").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "weft/tensor.h"

namespace weft {

enum class SlotInit {
  Empty,  // `axis` holds empty_length zero positions (masked by the graph); other dims as below
  Zeros,  // every dim resolves from dims; only `batch` stays symbolic
  From,   // no tensor until another component's run writes it (`init_from`)
};
enum class SlotMode {
  Grow,   // each run's output replaces the slot with one that is longer along `axis`
  Fixed,  // the output has the input's shape
  InPlace,  // the output is written into the input's own tensor (same buffer); `axis` is the
            // capacity the generator chooses (Generator::cacheCapacity)
};

const char* slotInitName(SlotInit i);  // "empty" | "zeros" | "from"

struct StateSlot {
  std::vector<std::string> components;  // every component it feeds; the first names it in errors
  std::string input;   // the component input the slot feeds
  std::string output;  // the output that replaces it after each run ("" = never replaced)
  DType dtype = DType::Float32;
  std::vector<Dim> dims;  // the input's manifest shape
  SlotInit init = SlotInit::Zeros;
  SlotMode mode = SlotMode::Fixed;
  int axis = -1;                 // growth / empty axis; -1 when not given
  std::int64_t emptyLength = 0;  // init Empty: zero positions it holds when empty
  std::string initComponent, initOutput;  // init From: the run whose output starts it
  std::string path;  // JSON path of the manifest entry, for messages

  bool feeds(const std::string& component) const;
  // Whether a run of `component` replaces this slot with its output `out`.
  bool writtenBy(const std::string& component, const std::string& out) const;
  // The tensor a generator of `batch` rows starts from: init Empty: empty_length along the axis;
  // Zeros: every dim resolved; From: symbolic dims -1 (JS holds nothing until the first write).
  // The dim named "batch" is `batch`, any other symbolic dim 1.
  // Mode InPlace: the axis is `capacity` long.
  std::vector<std::int64_t> initialShape(std::int64_t batch, std::int64_t capacity = 1) const;
  // The empty tensor's shape for `batch` rows (init Empty; also after a merge drained the slot).
  std::vector<std::int64_t> emptyShape(std::int64_t batch) const;
};

// Throws weft::Error naming the entry when an init Zeros slot has a dim that cannot resolve.
void checkResolvable(const StateSlot& s);

// [{"name","dtype","shape","init"[,"from":{"component","output"}][,"in_place":true][,"used":false]}],
// shapes for `batch` rows, an in-place slot's axis `capacity` long; slot index = array index.
// `used` (when given, one per slot): false for a slot no component the generator runs reads, for
// which JS holds nothing.
std::string slotsJson(const std::vector<StateSlot>& slots, std::int64_t batch = 1, std::int64_t capacity = 0,
                      const std::vector<bool>& used = {});

}  // namespace weft
