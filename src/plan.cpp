#include "weft/plan.h"

#include "json_util.h"

namespace weft {

std::string planToJson(const Plan& p) {
  Json ins = Json::array(), outs = Json::array();
  for (const PlanInput& i : p.inputs) {
    Json e = {{"name", i.name}};
    switch (i.source) {
      case Source::Host:
        e["host"] = i.index;
        e["dtype"] = dtypeName(i.dtype);
        e["shape"] = i.shape;
        break;
      case Source::Slot: e["slot"] = i.index; break;
      case Source::Const: e["const"] = i.index; break;
    }
    ins.push_back(std::move(e));
  }
  for (const PlanOutput& o : p.outputs) {
    Json e = {{"name", o.name}};
    if (o.source == Source::Slot) {
      e["slot"] = o.index;
    } else {
      e["host"] = o.index;
      if (o.tail >= 0) e["tail"] = o.tail;
    }
    outs.push_back(std::move(e));
  }
  return Json{{"component", p.component}, {"inputs", ins}, {"outputs", outs}}.dump();
}

}  // namespace weft
