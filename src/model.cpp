#include "weft/model.h"

#include "json_util.h"
#include "weft/error.h"
#include "weft/generator_registry.h"
#include "weft/session_check.h"

namespace weft {

std::shared_ptr<Model> Model::fromJson(const std::string& text, const std::string& budgets, const std::string& graphs) {
  return std::shared_ptr<Model>(new Model(Manifest::parse(text, Budgets::parse(budgets), parseGraphIO(graphs))));
}

// {"file", "sha256"|null, "bytes"|null}. The toolkit writes "" and 0 as placeholders before
// hashing: both mean "unknown".
static Json fileRefJson(const FileRef& r) {
  return Json{{"file", r.file},
              {"sha256", r.sha256 && !r.sha256->empty() ? Json(*r.sha256) : Json(nullptr)},
              {"bytes", r.bytes && *r.bytes > 0 ? Json(*r.bytes) : Json(nullptr)}};
}

bool Model::runsHere(const std::string& component) const {
  const Component* c = manifest_.component(component);
  return backend_.empty() || (c && c->runsOn(backend_));
}

// The component a generator role names ("" when the package leaves the role out).
static std::string roleComponent(const GeneratorSpec& g, const std::string& role) {
  for (auto& r : g.components)
    if (r.first == role) return r.second;
  return "";
}

// Whether the generator runs this component (a package may carry others, e.g. for other
// runtimes, or graphs that another role's graph stands in for on this backend).
bool Model::uses(const std::string& component) const {
  if (!runsHere(component)) return false;
  if (!backend_.empty())
    for (const ComponentRole& role : generatorType().components) {
      const std::string stand = roleComponent(manifest_.generator, role.key);
      if (role.replaces.empty() || stand.empty() || stand == component || !runsHere(stand)) continue;
      for (const std::string& r : role.replaces)
        if (roleComponent(manifest_.generator, r) == component) return false;
    }
  for (auto& r : manifest_.generator.components)
    if (r.second == component) return true;
  for (const StateSlot& s : slots())
    if (s.feeds(component) || s.initComponent == component) return true;
  for (const ConstantEntry& c : manifest_.constants)
    if (c.component == component) return true;
  return false;
}

static Json externalDataJson(const Component& c) {
  Json ext = Json::array();
  for (const FileRef& f : c.externalData) ext.push_back(fileRefJson(f));
  return ext;
}

static Json componentFileJson(const Component& c) {
  Json e = {{"name", c.name}};
  e.update(fileRefJson(c));
  return e;
}

std::string Model::componentsToDescribe(const std::string& text, const std::string& budgets) {
  Json a = Json::array();
  for (const Component& c : Manifest::componentsWithoutIo(text, Budgets::parse(budgets))) {
    Json e = componentFileJson(c);
    e["external_data"] = externalDataJson(c);
    a.push_back(std::move(e));
  }
  return a.dump();
}

std::string Model::componentsJson() const {
  Json a = Json::array();
  for (const Component& c : manifest_.components) {
    Json ins = Json::array(), outs = Json::array(), stateOuts = Json::array();
    bool resident = false;  // updates a slot in place: its runs stay on the device (WebGPU)
    for (const TensorDesc& t : c.inputs) ins.push_back(t.name);
    for (const TensorDesc& t : c.outputs) {
      outs.push_back(t.name);
      for (const StateSlot& s : slots())
        if (s.writtenBy(c.name, t.name)) {
          stateOuts.push_back(t.name);
          resident = resident || s.mode == SlotMode::InPlace;
          break;
        }
    }
    Json e = componentFileJson(c);
    e["inputs"] = ins;
    e["outputs"] = outs;
    e["state_outputs"] = stateOuts;
    e["external_data"] = externalDataJson(c);
    e["used"] = uses(c.name);
    if (!c.backends.empty()) e["backends"] = c.backends;
    if (resident) e["resident"] = true;
    a.push_back(std::move(e));
  }
  return a.dump();
}

std::string Model::infoJson() const {
  Json dims = Json::object();
  for (auto& d : manifest_.dims) dims[d.first] = d.second;
  Json gen = manifest_.generator.raw;
  Json generation = manifest_.generation;
  manifest_.generator.typed->describe(gen, generation);
  return Json{{"name", manifest_.name}, {"format", manifest_.format}, {"dims", dims},
              {"generator", gen}, {"generation", generation},
              {"tokenizer", manifest_.tokenizer ? fileRefJson(*manifest_.tokenizer) : Json(nullptr)},
              {"precision", manifest_.target.precision ? Json(*manifest_.target.precision) : Json(nullptr)},
              {"backends", manifest_.target.backends ? Json(*manifest_.target.backends) : Json(nullptr)},
              {"options", generatorTypeJson(generatorType())["options"]}}
      .dump();
}

void Model::validateComponent(const std::string& component, const std::string& io_json) const {
  checkSession(manifest_, component, parseSessionIO(io_json));
}

std::unique_ptr<Generator> Model::createGenerator(const std::string& options_json) const {
  const Json options = options_json.empty() ? Json::object() : json_util::parse(options_json, "generator options");
  checkOptions(generatorType(), options);
  std::unique_ptr<Generator> g = generatorType().create(shared_from_this(), options);
  for (const StateSlot& s : slots())  // the tensors JS allocates for this generator's rows
    manifest_.budgets.checkElements("weft.json: " + s.path + ": state input '" + s.input + "' for " + std::to_string(g->batchRows()) + " rows",
                                    s.initialShape(g->batchRows(), g->cacheCapacity()));
  return g;
}

}  // namespace weft
