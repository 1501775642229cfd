// The manifest's `generator` object: its type's components and io roles as the registry declares
// them, then the type's own spec (parsed once, kept in the manifest).
#include <algorithm>

#include "manifest_parser.h"
#include "weft/error.h"
#include "weft/generator_registry.h"

namespace weft {
namespace manifest_parser {

namespace ju = json_util;

void Parser::generatorComponents(const Json& g, const GeneratorType& t) {
  GeneratorSpec& s = m_.generator;
  for (const ComponentRole& r : t.components) {
    auto it = g.find(r.key);
    if (it == g.end()) {
      if (!r.required) continue;
      bad(ju::key("generator", r.key), t.components.size() == 1 ? "missing required field" : "missing required component role");
    }
    s.components.emplace_back(r.key, componentNamed(*it, ju::key("generator", r.key)).name);
  }
}

void Parser::generatorIo(const Json& g, const GeneratorType& t) {
  GeneratorSpec& s = m_.generator;
  const std::string iop = "generator.io";
  const Json& io = ju::require(g, "io", kP, "generator");
  ju::expectObject(io, kP, iop);
  for (auto it = io.begin(); it != io.end(); ++it) {
    const std::string rp = ju::key(iop, it.key());
    const IoRole* r = t.role(it.key());
    if (!r) {
      std::string all;
      for (const IoRole& x : t.io) all += (all.empty() ? "" : ", ") + x.name;
      bad(rp, "unknown role for a " + t.name + " generator (roles: " + all + ")");
    }
    const std::string tensor = ju::asString(it.value(), kP, rp);
    std::vector<std::string> seen;  // two roles may name one graph (prefill and step)
    for (const std::string& cr : r->components) {
      const std::string* cn = s.componentFor(cr);
      if (!cn || std::find(seen.begin(), seen.end(), *cn) != seen.end()) continue;  // absent optional component
      seen.push_back(*cn);
      const Component& c = *m_.component(*cn);
      const std::string where = "component '" + c.name + "'" + (t.components.size() > 1 ? " (generator." + cr + ")" : "");
      const TensorDesc* d = r->input ? c.findInput(tensor) : c.findOutput(tensor);
      if (!d) bad(rp, where + " has no " + (r->input ? "input" : "output") + " '" + tensor + "'");
      if (r->dtype && d->dtype != *r->dtype)  // the generator's host buffer has this dtype
        bad(rp, std::string(r->input ? "input" : "output") + " '" + tensor + "' of component '" + c.name + "' must be " +
                    dtypeName(*r->dtype) + " but is " + dtypeName(d->dtype));
      if (r->input) {
        claim(c.name, tensor, rp);
        s.hostInputs.emplace_back(c.name, tensor);
      }
    }
    s.io.emplace_back(it.key(), tensor);
  }
  for (const IoRole& r : t.io) {
    bool needed = false;
    for (const std::string& cr : r.components) needed |= s.componentFor(cr) != nullptr;
    if (r.required && needed && !s.role(r.name)) bad(ju::key(iop, r.name), "missing required role");
  }
}

void Parser::generator(const Json& g) {
  const std::string p = "generator";
  ju::expectObject(g, kP, p);
  GeneratorSpec& s = m_.generator;
  s.raw = g;
  const Json& type = ju::require(g, "type", kP, p);
  const GeneratorType* t = type.is_string() ? findGeneratorType(type.get<std::string>()) : nullptr;
  if (!t) bad(ju::key(p, "type"), "expected one of " + generatorTypeNames() + " but got " + ju::show(type));
  s.type = t->name;
  s.definition = t;
  std::vector<std::string> known = {"type", "io"};
  for (const ComponentRole& r : t->components) known.push_back(r.key);
  known.insert(known.end(), t->keys.begin(), t->keys.end());
  onlyKeys(g, p, known);
  generatorComponents(g, *t);
  generatorIo(g, *t);
  s.typed = t->parseSpec(m_);
}

}  // namespace manifest_parser
}  // namespace weft
