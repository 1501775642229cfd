#include "weft/plan.h"

#include <string>

#include "json_util.h"

namespace weft {

namespace {

// Plans are serialised once per step on the hot path, so they are written directly rather than
// built as a JSON tree; names go through nlohmann's escaping so any manifest name stays valid.
void appendName(std::string& out, const std::string& name) {
  out += "{\"name\":";
  out += Json(name).dump();
}

void appendInt(std::string& out, const char* key, std::int64_t v) {
  out += ",\"";
  out += key;
  out += "\":";
  out += std::to_string(v);
}

}  // namespace

std::string planToJson(const Plan& p) {
  std::string out;
  out.reserve(64 + 48 * (p.inputs.size() + p.outputs.size()));
  out += "{\"component\":";
  out += Json(p.component).dump();
  out += ",\"inputs\":[";
  for (std::size_t k = 0; k < p.inputs.size(); ++k) {
    const PlanInput& i = p.inputs[k];
    if (k) out += ',';
    appendName(out, i.name);
    switch (i.source) {
      case Source::Host:
        appendInt(out, "host", i.index);
        out += ",\"dtype\":\"";
        out += dtypeName(i.dtype);
        out += "\",\"shape\":[";
        for (std::size_t d = 0; d < i.shape.size(); ++d) {
          if (d) out += ',';
          out += std::to_string(i.shape[d]);
        }
        out += ']';
        if (i.onHost) out += ",\"on_host\":true";
        break;
      case Source::Slot: appendInt(out, "slot", i.index); break;
      case Source::Const: appendInt(out, "const", i.index); break;
    }
    out += '}';
  }
  out += "],\"outputs\":[";
  for (std::size_t k = 0; k < p.outputs.size(); ++k) {
    const PlanOutput& o = p.outputs[k];
    if (k) out += ',';
    appendName(out, o.name);
    if (o.source == Source::Slot) {
      appendInt(out, "slot", o.index);
    } else {
      appendInt(out, "host", o.index);
      if (o.tail >= 0) appendInt(out, "tail", o.tail);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace weft
