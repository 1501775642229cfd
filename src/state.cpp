#include "weft/state.h"

#include "json_util.h"
#include "weft/error.h"

namespace weft {

const char* slotInitName(SlotInit i) {
  switch (i) {
    case SlotInit::Empty: return "empty";
    case SlotInit::Zeros: return "zeros";
    case SlotInit::From: return "from";
  }
  return "?";
}

bool StateSlot::feeds(const std::string& c) const {
  for (const std::string& n : components)
    if (n == c) return true;
  return false;
}

bool StateSlot::writtenBy(const std::string& c, const std::string& out) const {
  return (!output.empty() && output == out && feeds(c)) || (initComponent == c && initOutput == out);
}

std::vector<std::int64_t> StateSlot::emptyShape(std::int64_t batch) const {
  std::vector<std::int64_t> out;
  for (std::size_t a = 0; a < dims.size(); ++a) {
    const Dim& d = dims[a];
    out.push_back(static_cast<int>(a) == axis ? emptyLength : d.fixed() ? d.value : d.name == "batch" ? batch : 1);
  }
  return out;
}

std::vector<std::int64_t> StateSlot::initialShape(std::int64_t batch, std::int64_t capacity) const {
  if (init == SlotInit::Empty) return emptyShape(batch);
  std::vector<std::int64_t> out;
  for (std::size_t a = 0; a < dims.size(); ++a) {
    const Dim& d = dims[a];
    if (mode == SlotMode::InPlace && static_cast<int>(a) == axis) out.push_back(capacity);
    else out.push_back(d.fixed() ? d.value : init == SlotInit::From ? -1 : batch);  // Zeros: only batch is symbolic
  }
  return out;
}

void checkResolvable(const StateSlot& s) {
  if (s.init != SlotInit::Zeros) return;
  for (std::size_t a = 0; a < s.dims.size(); ++a) {
    const Dim& d = s.dims[a];
    if (s.mode == SlotMode::InPlace && static_cast<int>(a) == s.axis) continue;  // the generator's capacity
    if (!d.fixed() && d.name != "batch")
      throw Error("weft.json: " + s.path + ": init \"zeros\" needs every dim of input '" + s.input + "' " + shapeString(s.dims) +
                  " to resolve, but '" + d.name + "' is not in dims (only batch may stay symbolic; it is 1)");
  }
}

std::string slotsJson(const std::vector<StateSlot>& slots, std::int64_t batch, std::int64_t capacity, const std::vector<bool>& used) {
  Json a = Json::array();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const StateSlot& s = slots[i];
    Json e = {{"name", s.input}, {"dtype", dtypeName(s.dtype)}, {"shape", s.initialShape(batch, capacity)}, {"init", slotInitName(s.init)}};
    if (s.init == SlotInit::From) e["from"] = {{"component", s.initComponent}, {"output", s.initOutput}};
    if (s.mode == SlotMode::InPlace) e["in_place"] = true;
    if (i < used.size() && !used[i]) e["used"] = false;
    a.push_back(std::move(e));
  }
  return a.dump();
}

}  // namespace weft
