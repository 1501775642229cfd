#include "weft/manifest.h"

#include <algorithm>
#include <set>

#include "json_util.h"
#include "weft/error.h"

namespace weft {

namespace ju = json_util;

namespace {

const std::string kP = "weft.json: ";  // every manifest error names the file first
const std::string kLayer = "{layer}";

[[noreturn]] void bad(const std::string& path, const std::string& msg) { ju::fail(kP, path, msg); }

std::string replaceLayer(std::string s, std::int64_t layer) {
  const std::string v = std::to_string(layer);
  for (std::size_t p = s.find(kLayer); p != std::string::npos; p = s.find(kLayer, p + v.size()))
    s.replace(p, kLayer.size(), v);
  return s;
}

bool hasLayer(const std::string& s) { return s.find(kLayer) != std::string::npos; }

class Parser {
 public:
  explicit Parser(Manifest& m) : m_(m) {}

  std::string dimNames() const {
    std::string r;
    for (auto& d : m_.dims) r += (r.empty() ? "" : ", ") + d.first;
    return r.empty() ? "none defined" : r;
  }

  // `count`: an integer >= 0 or a name from dims.
  std::int64_t count(const Json& entry, const std::string& path) {
    const Json& c = entry.at("count");
    const std::string p = ju::key(path, "count");
    if (c.is_string()) {
      auto v = m_.dim(c.get<std::string>());
      if (!v) bad(p, "expected an integer or a name from dims (" + dimNames() + ") but got " + ju::show(c));
      return *v;
    }
    if (!c.is_number_integer()) bad(p, "expected an integer or a name from dims (" + dimNames() + ") but got " + ju::show(c));
    const std::int64_t n = c.get<std::int64_t>();
    if (n < 0) bad(p, "must be >= 0 but got " + std::to_string(n));
    return n;
  }

  // How many copies an entry stands for, checking that every templated field uses {layer}
  // exactly when a count is given. Returns -1 for a plain (untemplated) entry.
  std::int64_t templateCount(const Json& e, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& names) {
    const bool counted = e.contains("count");
    for (auto& [field, value] : names) {
      if (counted && !hasLayer(value))
        bad(ju::key(path, field), "has a count but no {layer} in \"" + value + "\"");
      if (!counted && hasLayer(value))
        bad(ju::key(path, field), "uses {layer} in \"" + value + "\" but the entry has no count");
    }
    return counted ? count(e, path) : -1;
  }

  Dim dim(const Json& d, const std::string& path) {
    if (d.is_string()) {
      const std::string n = d.get<std::string>();
      if (n.empty()) bad(path, "expected a dim name but got an empty string");
      if (auto v = m_.dim(n)) return Dim{*v, n};
      return Dim::symbol(n);
    }
    if (d.is_number_integer() && d.get<std::int64_t>() >= 0) return Dim::of(d.get<std::int64_t>());
    bad(path, "expected an integer >= 0 or a dim name but got " + ju::show(d));
  }

  void tensors(const Json& list, const std::string& path, std::vector<TensorDesc>& out) {
    ju::expectArray(list, kP, path);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = ju::index(path, i);
      const Json& e = list[i];
      const std::string name = ju::asString(ju::require(e, "name", kP, p), kP, ju::key(p, "name"));
      const DType t = ju::asDType(ju::require(e, "dtype", kP, p), kP, ju::key(p, "dtype"));
      const Json& shape = ju::require(e, "shape", kP, p);
      ju::expectArray(shape, kP, ju::key(p, "shape"));
      TensorDesc d{name, t, {}};
      for (std::size_t j = 0; j < shape.size(); ++j) d.shape.push_back(dim(shape[j], ju::index(ju::key(p, "shape"), j)));
      const std::int64_t n = templateCount(e, p, {{"name", name}});
      for (std::int64_t l = 0; l < (n < 0 ? 1 : n); ++l) {
        TensorDesc x = d;
        if (n >= 0) x.name = replaceLayer(name, l);
        if (!seen.insert(x.name).second) bad(ju::key(p, "name"), "duplicate tensor name '" + x.name + "'");
        out.push_back(std::move(x));
      }
    }
  }

  static FileRef fileRef(const Json& obj, const std::string& p) {
    ju::expectObject(obj, kP, p);
    FileRef r;
    r.file = ju::asString(ju::require(obj, "file", kP, p), kP, ju::key(p, "file"));
    if (auto s = obj.find("sha256"); s != obj.end() && !s->is_null()) r.sha256 = ju::asString(*s, kP, ju::key(p, "sha256"));
    if (auto b = obj.find("bytes"); b != obj.end() && !b->is_null()) r.bytes = ju::asInt(*b, kP, ju::key(p, "bytes"));
    return r;
  }

  void components(const Json& obj) {
    ju::expectObject(obj, kP, "components");
    if (obj.empty()) bad("components", "expected at least one component");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string p = ju::key("components", it.key());
      Component c;
      c.name = it.key();
      static_cast<FileRef&>(c) = fileRef(it.value(), p);
      if (auto x = it.value().find("external_data"); x != it.value().end()) {
        const std::string xp = ju::key(p, "external_data");
        ju::expectArray(*x, kP, xp);
        for (std::size_t k = 0; k < x->size(); ++k) {
          const Json& f = (*x)[k];
          c.externalData.push_back(f.is_string() ? FileRef{f.get<std::string>(), std::nullopt, std::nullopt} : fileRef(f, ju::index(xp, k)));
        }
      }
      tensors(ju::require(it.value(), "inputs", kP, p), ju::key(p, "inputs"), c.inputs);
      tensors(ju::require(it.value(), "outputs", kP, p), ju::key(p, "outputs"), c.outputs);
      m_.components.push_back(std::move(c));
    }
  }

  const Component& componentRef(const Json& e, const std::string& p) {
    const Json& v = ju::require(e, "component", kP, p);
    const std::string n = ju::asString(v, kP, ju::key(p, "component"));
    const Component* c = m_.component(n);
    if (!c) bad(ju::key(p, "component"), "no component named \"" + n + "\" (components: " + m_.componentList() + ")");
    return *c;
  }

  static std::string oneOf(const Json& v, const std::string& p, std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* a : allowed) {
      if (v.is_string() && v.get<std::string>() == a) return a;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    bad(p, "expected one of " + list + " but got " + ju::show(v));
  }

  // Every input may be fed by only one thing (a state slot, a constant or a generator role).
  void claim(const std::string& comp, const std::string& input, const std::string& path) {
    if (!fed_.insert(comp + "\n" + input).second)
      bad(path, "input '" + input + "' of component '" + comp + "' is already fed by another entry");
  }

  // The components a state entry feeds: `component` (one) or `components` (several).
  std::vector<const Component*> stateComponents(const Json& e, const std::string& p) {
    const bool one = e.contains("component"), many = e.contains("components");
    if (one == many) bad(p, one ? "give either component or components, not both" : "missing required field component (or components)");
    if (one) return {&componentRef(e, p)};
    const std::string cp = ju::key(p, "components");
    const Json& list = e.at("components");
    ju::expectArray(list, kP, cp);
    if (list.empty()) bad(cp, "expected at least one component name");
    std::vector<const Component*> r;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string n = ju::asString(list[k], kP, ju::index(cp, k));
      const Component* c = m_.component(n);
      if (!c) bad(ju::index(cp, k), "no component named \"" + n + "\" (components: " + m_.componentList() + ")");
      for (const Component* o : r)
        if (o == c) bad(ju::index(cp, k), "component \"" + n + "\" is listed twice");
      r.push_back(c);
    }
    return r;
  }

  // A slot's tensor must look the same to every component that reads or writes it.
  void sameTensor(const TensorDesc& slot, const TensorDesc& other, const std::string& who, const std::string& p) {
    if (slot.dtype != other.dtype)
      bad(p, "input '" + slot.name + "' is " + dtypeName(slot.dtype) + " but " + who + " is " + dtypeName(other.dtype));
    if (slot.shape.size() != other.shape.size())
      bad(p, "input '" + slot.name + "' has rank " + std::to_string(slot.shape.size()) + " but " + who + " has rank " +
                 std::to_string(other.shape.size()));
  }

  void state(const Json& list) {
    ju::expectArray(list, kP, "state");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = ju::index("state", i);
      const Json& e = list[i];
      const std::vector<const Component*> comps = stateComponents(e, p);
      const std::string in = ju::asString(ju::require(e, "input", kP, p), kP, ju::key(p, "input"));
      const auto initFrom = e.find("init_from");
      const bool hasFrom = initFrom != e.end();
      std::string out, fromComp, fromOut;
      if (auto o = e.find("output"); o != e.end()) out = ju::asString(*o, kP, ju::key(p, "output"));
      else if (!hasFrom) bad(ju::key(p, "output"), "missing required field (a state entry without init_from needs one)");
      std::string init = "from";
      if (hasFrom) {
        if (e.contains("init")) bad(ju::key(p, "init"), "give either init or init_from, not both");
        const std::string fp = ju::key(p, "init_from");
        ju::expectObject(*initFrom, kP, fp);
        fromComp = componentRef(*initFrom, fp).name;
        fromOut = ju::asString(ju::require(*initFrom, "output", kP, fp), kP, ju::key(fp, "output"));
        for (const Component* c : comps)
          if (c->name == fromComp) bad(ju::key(fp, "component"), "a slot cannot be initialised by a component it feeds ('" + fromComp + "')");
      } else {
        init = oneOf(ju::require(e, "init", kP, p), ju::key(p, "init"), {"empty", "zeros"});
      }
      const std::string mode = oneOf(ju::require(e, "mode", kP, p), ju::key(p, "mode"), {"grow", "fixed"});
      int axis = -1;
      if (auto a = e.find("axis"); a != e.end()) axis = static_cast<int>(ju::asInt(*a, kP, ju::key(p, "axis")));
      else if (mode == "grow" || init == "empty") bad(ju::key(p, "axis"), "missing required field (needed by mode \"grow\" and init \"empty\")");
      if (mode == "grow" && out.empty()) bad(ju::key(p, "output"), "mode \"grow\" needs an output that replaces the slot");
      std::int64_t emptyLength = 0;
      if (auto el = e.find("empty_length"); el != e.end()) {
        if (init != "empty") bad(ju::key(p, "empty_length"), "only for init \"empty\"");
        emptyLength = ju::asInt(*el, kP, ju::key(p, "empty_length"));
        if (emptyLength < 0) bad(ju::key(p, "empty_length"), "must be >= 0 but got " + std::to_string(emptyLength));
      }
      std::vector<std::pair<std::string, std::string>> templated = {{"input", in}};
      if (!out.empty()) templated.emplace_back("output", out);
      if (hasFrom) templated.emplace_back("init_from.output", fromOut);
      const std::int64_t n = templateCount(e, p, templated);
      const Component& from = hasFrom ? *m_.component(fromComp) : *comps[0];
      for (std::int64_t l = 0; l < (n < 0 ? 1 : n); ++l) {
        auto x = [&](const std::string& s) { return n < 0 || s.empty() ? s : replaceLayer(s, l); };
        StateEntry s{comps[0]->name, {}, x(in), x(out), init, mode, axis, emptyLength, fromComp, x(fromOut), p};
        const TensorDesc* first = nullptr;
        bool written = false;  // the output may belong to some of the components only
        for (const Component* c : comps) {
          s.components.push_back(c->name);
          const TensorDesc* ti = c->findInput(s.input);
          if (!ti) bad(ju::key(p, "input"), "component '" + c->name + "' has no input '" + s.input + "'");
          if (!first) first = ti;
          else sameTensor(*first, *ti, "input '" + ti->name + "' of component '" + c->name + "'", p);
          if (const TensorDesc* to = s.output.empty() ? nullptr : c->findOutput(s.output)) {
            sameTensor(*first, *to, "output '" + s.output + "'", p);
            written = true;
          }
          claim(c->name, s.input, p);
        }
        if (!s.output.empty() && !written) {
          std::string names;
          for (const std::string& n : s.components) names += (names.empty() ? "" : ", ") + n;
          bad(ju::key(p, "output"), comps.size() == 1 ? "component '" + comps[0]->name + "' has no output '" + s.output + "'"
                                                      : "no component the slot feeds (" + names + ") has output '" + s.output + "'");
        }
        if (hasFrom) {
          const TensorDesc* to = from.findOutput(s.initOutput);
          if (!to) bad(ju::key(ju::key(p, "init_from"), "output"), "component '" + from.name + "' has no output '" + s.initOutput + "'");
          sameTensor(*first, *to, "output '" + s.initOutput + "' of component '" + from.name + "' (init_from)", p);
        }
        if (axis != -1 && (axis < 0 || axis >= static_cast<int>(first->shape.size())))
          bad(ju::key(p, "axis"), "must be in [0, " + std::to_string(first->shape.size()) + ") for input '" + s.input + "' but got " + std::to_string(axis));
        m_.state.push_back(std::move(s));
      }
    }
  }

  void constants(const Json& list);
  void generator(const Json& g);
  void multiGenerator(const Json& g);

  Manifest& m_;
  std::set<std::string> fed_;
};

void fillValues(ConstantEntry& c, const Json& values, const std::string& p) {
  ju::expectArray(values, kP, p);
  const std::int64_t n = elementCount(c.shape);
  if (static_cast<std::int64_t>(values.size()) != n)
    bad(p, "expected " + std::to_string(n) + " values for shape " + shapeString(c.shape) + " but got " + std::to_string(values.size()));
  c.values = HostBuffer(c.dtype);
  c.values.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string pi = ju::index(p, i);
    auto intIn = [&](std::int64_t lo, std::int64_t hi) {
      const std::int64_t v = ju::asInt(values[i], kP, pi);
      if (v < lo || v > hi) bad(pi, std::to_string(v) + " does not fit in " + dtypeName(c.dtype));
      return v;
    };
    switch (c.dtype) {
      case DType::Float32: c.values.as<float>()[i] = static_cast<float>(ju::asNumber(values[i], kP, pi)); break;
      case DType::Float16: c.values.as<unsigned short>()[i] = floatToHalf(static_cast<float>(ju::asNumber(values[i], kP, pi))); break;
      case DType::Int64: c.values.as<std::int64_t>()[i] = ju::asInt(values[i], kP, pi); break;
      case DType::Int32: c.values.as<std::int32_t>()[i] = static_cast<std::int32_t>(intIn(INT32_MIN, INT32_MAX)); break;
      case DType::Int8: c.values.as<std::int8_t>()[i] = static_cast<std::int8_t>(intIn(-128, 127)); break;
      case DType::Uint8: c.values.as<std::uint8_t>()[i] = static_cast<std::uint8_t>(intIn(0, 255)); break;
      case DType::Bool:
        c.values.as<std::uint8_t>()[i] = values[i].is_boolean() ? values[i].get<bool>() : static_cast<std::uint8_t>(intIn(0, 1));
        break;
    }
  }
}

void Parser::constants(const Json& list) {
  ju::expectArray(list, kP, "constants");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = ju::index("constants", i);
    const Json& e = list[i];
    const Component& comp = componentRef(e, p);
    ConstantEntry c;
    c.component = comp.name;
    c.input = ju::asString(ju::require(e, "input", kP, p), kP, ju::key(p, "input"));
    const TensorDesc* t = comp.findInput(c.input);
    if (!t) bad(ju::key(p, "input"), "component '" + comp.name + "' has no input '" + c.input + "'");
    c.dtype = ju::asDType(ju::require(e, "dtype", kP, p), kP, ju::key(p, "dtype"));
    if (c.dtype != t->dtype)
      bad(ju::key(p, "dtype"), std::string(dtypeName(c.dtype)) + " but input '" + c.input + "' is " + dtypeName(t->dtype));
    const Json& shape = ju::require(e, "shape", kP, p);
    ju::expectArray(shape, kP, ju::key(p, "shape"));
    for (std::size_t j = 0; j < shape.size(); ++j) {
      const Dim d = dim(shape[j], ju::index(ju::key(p, "shape"), j));
      if (!d.fixed()) bad(ju::index(ju::key(p, "shape"), j), "a constant's dims must be fixed but '" + d.name + "' is symbolic");
      c.shape.push_back(d.value);
    }
    if (c.shape.size() != t->shape.size())
      bad(ju::key(p, "shape"), "rank " + std::to_string(c.shape.size()) + " but input '" + c.input + "' has rank " + std::to_string(t->shape.size()));
    fillValues(c, ju::require(e, "values", kP, p), ju::key(p, "values"));
    claim(comp.name, c.input, p);
    m_.constants.push_back(std::move(c));
  }
}

struct RoleSet {
  const char* type;
  std::vector<const char*> inputs, outputs, required;
};
const RoleSet kRoles[] = {
    {"decoder", {"input_ids", "attention_mask", "position_ids"}, {"logits"}, {"input_ids", "logits"}},
    {"stream", {"samples"}, {"result"}, {"samples", "result"}},
    {"classifier", {"pixel_values"}, {"logits"}, {"pixel_values", "logits"}},
};

// A generator that runs several components: each component role names one, and each io role
// names a tensor of every component it lists (e.g. encoder_attention_mask feeds three graphs).
struct MultiRole {
  const char* role;
  bool input;
  std::vector<const char*> components;
};
const char* const kMusicgenComponents[] = {"text_encoder", "cross_kv", "prefill", "step", "cache_merge", "audio_encoder", "audio_decoder"};
// without audio_encoder: no continuation; without cache_merge: the cache is one tier
const char* const kMusicgenOptional[] = {"audio_encoder", "cache_merge"};
const MultiRole kMusicgenIo[] = {
    {"text_ids", true, {"text_encoder"}},
    {"text_mask", true, {"text_encoder"}},
    {"text_states", false, {"text_encoder"}},
    {"encoder_hidden_states", true, {"cross_kv"}},
    {"encoder_attention_mask", true, {"cross_kv", "prefill", "step"}},
    {"input_ids", true, {"prefill", "step"}},
    {"logits", false, {"prefill", "step"}},
    {"audio_in", true, {"audio_encoder"}},
    {"codes_out", false, {"audio_encoder"}},
    {"codes_in", true, {"audio_decoder"}},
    {"audio_out", false, {"audio_decoder"}},
};

void Parser::multiGenerator(const Json& g) {
  const std::string p = "generator";
  GeneratorSpec& s = m_.generator;
  for (const char* role : kMusicgenComponents) {
    const bool optional = std::find(std::begin(kMusicgenOptional), std::end(kMusicgenOptional), std::string(role)) != std::end(kMusicgenOptional);
    auto it = g.find(role);
    if (it == g.end()) {
      if (optional) continue;
      bad(ju::key(p, role), "missing required component role");
    }
    const std::string n = ju::asString(*it, kP, ju::key(p, role));
    if (!m_.component(n)) bad(ju::key(p, role), "no component named \"" + n + "\" (components: " + m_.componentList() + ")");
    s.components.emplace_back(role, n);
  }
  s.component = *s.componentFor("step");
  const Json& io = ju::require(g, "io", kP, p);
  ju::expectObject(io, kP, ju::key(p, "io"));
  for (auto it = io.begin(); it != io.end(); ++it) {
    const std::string rp = ju::key(ju::key(p, "io"), it.key());
    const MultiRole* r = nullptr;
    for (const MultiRole& x : kMusicgenIo)
      if (it.key() == x.role) r = &x;
    if (!r) {
      std::string all;
      for (const MultiRole& x : kMusicgenIo) all += (all.empty() ? "" : ", ") + std::string(x.role);
      bad(rp, "unknown role for a " + s.type + " generator (roles: " + all + ")");
    }
    const std::string tensor = ju::asString(it.value(), kP, rp);
    std::vector<std::string> seen;  // two roles may name one graph (prefill and step)
    for (const char* cr : r->components) {
      const std::string* cn = s.componentFor(cr);
      if (!cn) continue;  // an optional component that is absent
      if (std::find(seen.begin(), seen.end(), *cn) != seen.end()) continue;
      seen.push_back(*cn);
      const Component& c = *m_.component(*cn);
      if (r->input && !c.findInput(tensor)) bad(rp, "component '" + c.name + "' (generator." + cr + ") has no input '" + tensor + "'");
      if (!r->input && !c.findOutput(tensor)) bad(rp, "component '" + c.name + "' (generator." + cr + ") has no output '" + tensor + "'");
      if (r->input) {
        claim(c.name, tensor, rp);
        s.hostInputs.emplace_back(c.name, tensor);
      }
    }
    s.io.emplace_back(it.key(), tensor);
  }
  for (const MultiRole& r : kMusicgenIo) {
    bool needed = false;
    for (const char* cr : r.components) needed |= s.componentFor(cr) != nullptr;
    if (needed && !s.role(r.role)) bad(ju::key(ju::key(p, "io"), r.role), "missing required role");
  }
}

void Parser::generator(const Json& g) {
  const std::string p = "generator";
  ju::expectObject(g, kP, p);
  GeneratorSpec& s = m_.generator;
  s.raw = g;
  s.type = oneOf(ju::require(g, "type", kP, p), ju::key(p, "type"), {"decoder", "stream", "classifier", "musicgen"});
  if (s.type == "musicgen") return multiGenerator(g);
  const Component& c = componentRef(g, p);
  s.component = c.name;
  const RoleSet* roles = nullptr;
  for (const RoleSet& r : kRoles)
    if (s.type == r.type) roles = &r;
  const Json& io = ju::require(g, "io", kP, p);
  ju::expectObject(io, kP, ju::key(p, "io"));
  for (auto it = io.begin(); it != io.end(); ++it) {
    const std::string rp = ju::key(ju::key(p, "io"), it.key());
    const std::string tensor = ju::asString(it.value(), kP, rp);
    bool isIn = false, isOut = false;
    for (const char* r : roles->inputs) isIn |= it.key() == r;
    for (const char* r : roles->outputs) isOut |= it.key() == r;
    if (!isIn && !isOut) {
      std::string all;
      for (const char* r : roles->inputs) all += (all.empty() ? "" : ", ") + std::string(r);
      for (const char* r : roles->outputs) all += ", " + std::string(r);
      bad(rp, "unknown role for a " + s.type + " generator (roles: " + all + ")");
    }
    if (isIn && !c.findInput(tensor)) bad(rp, "component '" + c.name + "' has no input '" + tensor + "'");
    if (isOut && !c.findOutput(tensor)) bad(rp, "component '" + c.name + "' has no output '" + tensor + "'");
    if (isIn) {
      claim(c.name, tensor, rp);
      s.hostInputs.emplace_back(c.name, tensor);
    }
    s.io.emplace_back(it.key(), tensor);
  }
  for (const char* r : roles->required)
    if (!s.role(r)) bad(ju::key(ju::key(p, "io"), r), "missing required role");
  if (s.type == "decoder") {
    const TensorDesc* logits = c.findOutput(*s.role("logits"));
    if (logits->shape.empty() || !logits->shape.back().fixed())
      bad(ju::key(p, "io.logits"), "the last dim of output '" + logits->name + "' (the vocabulary) must be fixed but its shape is " + shapeString(logits->shape));
  } else if (s.type == "stream") {
    const TensorDesc* in = c.findInput(*s.role("samples"));
    if (auto ch = g.find("chunk"); ch != g.end()) s.chunk = ju::asInt(*ch, kP, ju::key(p, "chunk"));
    else if (!in->shape.empty() && in->shape.back().fixed()) s.chunk = in->shape.back().value;
    else if (auto d = m_.dim("chunk")) s.chunk = *d;
    if (s.chunk <= 0) bad(ju::key(p, "chunk"), "a stream generator needs a chunk size > 0 (from generator.chunk, the last dim of input '" + in->name + "' or dims.chunk)");
    if (auto sr = g.find("sample_rate"); sr != g.end()) {
      s.sample_rate = ju::asInt(*sr, kP, ju::key(p, "sample_rate"));
      if (s.sample_rate <= 0) bad(ju::key(p, "sample_rate"), "must be > 0");
    }
  }
}

}  // namespace

const TensorDesc* Component::findInput(const std::string& n) const {
  for (const TensorDesc& t : inputs)
    if (t.name == n) return &t;
  return nullptr;
}

const TensorDesc* Component::findOutput(const std::string& n) const {
  for (const TensorDesc& t : outputs)
    if (t.name == n) return &t;
  return nullptr;
}

bool StateEntry::feeds(const std::string& c) const {
  for (const std::string& n : components)
    if (n == c) return true;
  return false;
}

const std::string* GeneratorSpec::componentFor(const std::string& r) const {
  for (auto& kv : components)
    if (kv.first == r) return &kv.second;
  return nullptr;
}

const std::string* GeneratorSpec::role(const std::string& r) const {
  for (auto& kv : io)
    if (kv.first == r) return &kv.second;
  return nullptr;
}

const Component* Manifest::component(const std::string& n) const {
  for (const Component& c : components)
    if (c.name == n) return &c;
  return nullptr;
}

std::optional<std::int64_t> Manifest::dim(const std::string& n) const {
  for (auto& d : dims)
    if (d.first == n) return d.second;
  return std::nullopt;
}

std::string Manifest::componentList() const {
  std::string r;
  for (const Component& c : components) r += (r.empty() ? "" : ", ") + c.name;
  return r;
}

Manifest Manifest::parse(const std::string& text) {
  const Json j = ju::parse(text, "weft.json");
  ju::expectObject(j, kP, "");
  Manifest m;
  m.format = ju::asString(ju::require(j, "format", kP, ""), kP, "format");
  if (m.format != "weft/1") bad("format", "expected \"weft/1\" but got " + ju::show(j["format"]));
  if (auto n = j.find("name"); n != j.end()) m.name = ju::asString(*n, kP, "name");
  if (auto d = j.find("dims"); d != j.end()) {
    ju::expectObject(*d, kP, "dims");
    for (auto it = d->begin(); it != d->end(); ++it) {
      const std::int64_t v = ju::asInt(it.value(), kP, ju::key("dims", it.key()));
      if (v < 0) bad(ju::key("dims", it.key()), "must be >= 0 but got " + std::to_string(v));
      m.dims.emplace_back(it.key(), v);
    }
  }
  Parser p(m);
  p.components(ju::require(j, "components", kP, ""));
  if (auto s = j.find("state"); s != j.end()) p.state(*s);
  if (auto c = j.find("constants"); c != j.end()) p.constants(*c);
  p.generator(ju::require(j, "generator", kP, ""));
  if (auto t = j.find("tokenizer"); t != j.end()) m.tokenizer = Parser::fileRef(*t, "tokenizer");
  if (auto g = j.find("generation"); g != j.end()) {
    ju::expectObject(*g, kP, "generation");
    m.generation = *g;
  }
  return m;
}

}  // namespace weft
