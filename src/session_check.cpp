#include "weft/session_check.h"

#include <set>

#include "json_util.h"
#include "weft/error.h"

namespace weft {

namespace ju = json_util;

namespace {

const std::string kP = "validateComponent: ";

std::vector<GraphTensor> parseList(const Json& j, const char* field) {
  std::vector<GraphTensor> r;
  auto it = j.find(field);
  if (it == j.end()) return r;
  ju::expectArray(*it, kP, field);
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string p = ju::index(field, i);
    const Json& e = (*it)[i];
    GraphTensor t;
    t.name = ju::asString(ju::require(e, "name", kP, p), kP, ju::key(p, "name"));
    if (auto ty = e.find("type"); ty != e.end() && !ty->is_null()) t.type = ju::asString(*ty, kP, ju::key(p, "type"));
    if (auto sh = e.find("shape"); sh != e.end() && !sh->is_null()) {
      ju::expectArray(*sh, kP, ju::key(p, "shape"));
      std::vector<std::variant<std::int64_t, std::string>> dims;
      for (std::size_t k = 0; k < sh->size(); ++k) {
        const Json& d = (*sh)[k];
        if (d.is_string()) dims.emplace_back(d.get<std::string>());
        else if (d.is_null()) dims.emplace_back(std::string());  // unknown dim
        else dims.emplace_back(ju::asInt(d, kP, ju::index(ju::key(p, "shape"), k)));
      }
      t.shape = std::move(dims);
    }
    r.push_back(std::move(t));
  }
  return r;
}

std::string graphShape(const std::vector<std::variant<std::int64_t, std::string>>& s) {
  std::string r = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) r += ", ";
    if (auto v = std::get_if<std::int64_t>(&s[i])) r += std::to_string(*v);
    else r += "\"" + std::get<std::string>(s[i]) + "\"";
  }
  return r + "]";
}

std::string names(const std::vector<GraphTensor>& ts) {
  std::string r;
  for (const GraphTensor& t : ts) r += (r.empty() ? "" : ", ") + t.name;
  return r.empty() ? "none" : r;
}

std::string names(const std::vector<TensorDesc>& ts) {
  std::string r;
  for (const TensorDesc& t : ts) r += (r.empty() ? "" : ", ") + t.name;
  return r.empty() ? "none" : r;
}

// Compares one declared tensor with the graph's; `kind` is "input" or "output".
void compare(const std::string& where, const char* kind, const TensorDesc& want, const GraphTensor& got) {
  const std::string who = where + std::string(kind) + " '" + want.name + "'";
  if (!got.type.empty() && got.type != dtypeName(want.dtype))
    throw Error(who + ": the manifest says dtype " + dtypeName(want.dtype) + " but the graph has " + got.type);
  if (!got.shape) return;
  const auto& gs = *got.shape;
  if (gs.size() != want.shape.size())
    throw Error(who + ": the manifest says rank " + std::to_string(want.shape.size()) + " " + shapeString(want.shape) +
                " but the graph has rank " + std::to_string(gs.size()) + " " + graphShape(gs));
  for (std::size_t a = 0; a < gs.size(); ++a) {
    const auto* g = std::get_if<std::int64_t>(&gs[a]);
    // Only two fixed values can disagree; a symbolic dim on either side is resolved per run.
    if (g && want.shape[a].fixed() && *g != want.shape[a].value)
      throw Error(who + ": dim " + std::to_string(a) + " is " + std::to_string(want.shape[a].value) +
                  " in the manifest " + shapeString(want.shape) + " but " + std::to_string(*g) + " in the graph " +
                  graphShape(gs));
  }
}

bool fedByManifest(const Manifest& m, const std::string& comp, const std::string& input) {
  for (auto& h : m.generator.hostInputs)
    if (h.first == comp && h.second == input) return true;
  for (const StateSlot& s : m.state)
    if (s.feeds(comp) && s.input == input) return true;
  for (const ConstantEntry& c : m.constants)
    if (c.component == comp && c.input == input) return true;
  return false;
}

}  // namespace

SessionIO parseSessionIO(const std::string& text) {
  const Json j = ju::parse(text, "validateComponent");
  ju::expectObject(j, kP, "");
  return SessionIO{parseList(j, "inputs"), parseList(j, "outputs")};
}

GraphIO parseGraphIO(const std::string& text) {
  GraphIO r;
  if (text.empty()) return r;
  const Json j = ju::parse(text, "graphs");
  ju::expectObject(j, "graphs: ", "");
  for (auto it = j.begin(); it != j.end(); ++it) {
    ju::expectObject(it.value(), "graphs: ", it.key());
    r[it.key()] = SessionIO{parseList(it.value(), "inputs"), parseList(it.value(), "outputs")};
  }
  return r;
}

const char* const kUnnamedDim = "batch";

std::vector<TensorDesc> declaredFromGraph(const Manifest& m, const Component& c, const char* kind,
                                          const std::vector<GraphTensor>& graph) {
  const std::string where = "component '" + c.name + "' (" + c.file + "): the manifest omits its " + kind + "s, so ";
  std::vector<TensorDesc> r;
  for (const GraphTensor& g : graph) {
    const std::string who = std::string(kind) + " '" + g.name + "'";
    TensorDesc t{g.name, DType::Float32, {}};
    if (g.type.empty() || !g.shape)
      throw Error(where + "they come from the graph, but onnxruntime reports no element type or shape for " + who +
                  " (an onnxruntime without session metadata?); declare the " + kind + "s in weft.json");
    if (!parseDType(g.type, &t.dtype))
      throw Error(where + "they come from the graph, but " + who + " has element type " + g.type +
                  ", which Weft does not run (supported: " + dtypeList() + ")");
    for (const auto& d : *g.shape) {
      if (const auto* v = std::get_if<std::int64_t>(&d)) t.shape.push_back(Dim::of(*v));
      else if (const std::string& n = std::get<std::string>(d); n.empty()) t.shape.push_back(Dim::symbol(kUnnamedDim));
      else if (auto fixed = m.dim(n)) t.shape.push_back(Dim{*fixed, n});
      else t.shape.push_back(Dim::symbol(n));
    }
    r.push_back(std::move(t));
  }
  return r;
}

void checkDeclared(const Component& c, const SessionIO& io) {
  const std::string where = "component '" + c.name + "' (" + c.file + "): ";
  auto find = [](const std::vector<GraphTensor>& ts, const std::string& n) -> const GraphTensor* {
    for (const GraphTensor& t : ts)
      if (t.name == n) return &t;
    return nullptr;
  };
  for (const TensorDesc& t : c.inputs) {
    const GraphTensor* g = find(io.inputs, t.name);
    if (!g)
      throw Error(where + "the manifest names input '" + t.name + "' but the graph has no such input (graph inputs: " +
                  names(io.inputs) + ")");
    compare(where, "input", t, *g);
  }
  for (const GraphTensor& g : io.inputs)
    if (!c.findInput(g.name))
      throw Error(where + "the graph has input '" + g.name + "' that the manifest does not declare, so nothing would feed it (manifest inputs: " +
                  names(c.inputs) + ")");
  for (const TensorDesc& t : c.outputs) {
    const GraphTensor* g = find(io.outputs, t.name);
    if (!g)
      throw Error(where + "the manifest names output '" + t.name + "' but the graph has no such output (graph outputs: " +
                  names(io.outputs) + ")");
    compare(where, "output", t, *g);
  }
}

void checkSession(const Manifest& m, const std::string& component, const SessionIO& io) {
  const Component* c = m.component(component);
  if (!c) throw Error("validateComponent: no component named '" + component + "' (components: " + m.componentList() + ")");
  checkDeclared(*c, io);
  for (const TensorDesc& t : c->inputs)
    if (!fedByManifest(m, c->name, t.name))
      throw Error("component '" + c->name + "' (" + c->file + "): input '" + t.name +
                  "' is not fed by the manifest (no generator role, state entry or constant names it)");
}

}  // namespace weft
