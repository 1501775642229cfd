#include "weft/state.h"

#include "json_util.h"
#include "weft/error.h"

namespace weft {

std::vector<StateSlot> buildStateSlots(const Manifest& m) {
  std::vector<StateSlot> slots;
  for (const StateEntry& e : m.state) {
    const TensorDesc& in = *m.component(e.component)->findInput(e.input);
    StateSlot s{e.component, e.components, e.input, e.output, in.dtype, {}, e.init, e.mode, e.axis,
                e.emptyLength, e.initComponent, e.initOutput, in.shape};
    if (e.init == "empty") {
      s.shape = s.emptyShape(1);
      slots.push_back(std::move(s));
      continue;
    }
    for (std::size_t a = 0; a < in.shape.size(); ++a) {
      const Dim& d = in.shape[a];
      if (e.init == "from") {
        s.shape.push_back(d.fixed() ? d.value : -1);
      } else if (d.fixed()) {
        s.shape.push_back(d.value);
      } else if (d.name == "batch") {
        s.shape.push_back(1);
      } else {
        throw Error("weft.json: " + e.path + ": init \"zeros\" needs every dim of input '" + e.input +
                    "' " + shapeString(in.shape) + " to resolve, but '" + d.name +
                    "' is not in dims (only batch may stay symbolic; it is 1)");
      }
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

std::vector<std::int64_t> StateSlot::emptyShape(std::int64_t batch) const {
  std::vector<std::int64_t> out;
  for (std::size_t a = 0; a < dims.size(); ++a)
    out.push_back(static_cast<int>(a) == axis ? emptyLength : dims[a].fixed() ? dims[a].value : dims[a].name == "batch" ? batch : 1);
  return out;
}

bool StateSlot::feeds(const std::string& c) const {
  for (const std::string& n : components)
    if (n == c) return true;
  return false;
}

bool StateSlot::writtenBy(const std::string& c, const std::string& out) const {
  return (!output.empty() && output == out && feeds(c)) || (initComponent == c && initOutput == out);
}

std::string slotsJson(const std::vector<StateSlot>& slots) {
  Json a = Json::array();
  for (const StateSlot& s : slots) {
    Json e = {{"name", s.name}, {"dtype", dtypeName(s.dtype)}, {"shape", s.shape}, {"init", s.init}};
    if (s.init == "from") e["from"] = {{"component", s.initComponent}, {"output", s.initOutput}};
    a.push_back(std::move(e));
  }
  return a.dump();
}

}  // namespace weft
