#include "weft/manifest.h"

#include "manifest_parser.h"
#include "weft/error.h"
#include "weft/package_variants.h"
#include "weft/session_check.h"

namespace weft {

namespace ju = json_util;

namespace manifest_parser {

const std::string kP = "weft.json: ";  // every manifest error names the file first

namespace {
const std::string kLayer = "{layer}";
bool hasLayer(const std::string& s) { return s.find(kLayer) != std::string::npos; }
}  // namespace

void bad(const std::string& path, const std::string& msg) { ju::fail(kP, path, msg); }

void onlyKeys(const Json& obj, const std::string& path, const std::vector<std::string>& known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const std::string& k : known) ok |= it.key() == k;
    if (ok) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    bad(ju::key(path, it.key()), "unknown key (known keys: " + list + ")");
  }
}

// A package file: a relative path inside the package folder, the same under a URL and on disk.
std::string fileName(const Json& v, const std::string& path) {
  const std::string n = ju::asString(v, kP, path);
  const auto refuse = [&](const std::string& why) { bad(path, ju::show(v) + " " + why + " (a package file must be a relative path inside the package)"); };
  if (n.empty()) refuse("is empty");
  for (unsigned char c : n)
    if (c < 0x20 || c == 0x7f) refuse("holds a control character");
  if (n.find('\\') != std::string::npos) refuse("holds a backslash");
  if (n[0] == '/') refuse("is an absolute path");
  const std::size_t colon = n.find(':');
  if (colon != std::string::npos) refuse(n.find('/') > colon ? "has a URL scheme" : "holds a colon");
  if (n.find_first_of("?#") != std::string::npos) refuse("holds a URL query or fragment");
  std::string lower = n;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const char* enc : {"%2e", "%2f", "%5c", "%00"})
    if (lower.find(enc) != std::string::npos) refuse("holds a percent-encoded dot, slash, backslash or NUL");
  std::size_t start = 0;
  for (;;) {  // every segment a plain name: no "", ".", ".."
    const std::size_t end = n.find('/', start);
    const std::string seg = n.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (seg.empty() || seg == "." || seg == "..") refuse(seg.empty() ? "has an empty path segment" : "has a \"" + seg + "\" segment");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return n;
}

Json parseTopJson(const std::string& text, const Budgets& budgets) {
  if (static_cast<std::int64_t>(text.size()) > budgets.manifestBytes)
    throw Error("weft.json: the manifest is " + std::to_string(text.size()) + " bytes, over the budget of " +
                std::to_string(budgets.manifestBytes) + " (budgets.manifest_bytes)");
  Json j = ju::parse(text, "weft.json", budgets.jsonDepth);
  ju::expectObject(j, kP, "");
  return j;
}

std::string replaceLayer(std::string s, std::int64_t layer) {
  const std::string v = std::to_string(layer);
  for (std::size_t p = s.find(kLayer); p != std::string::npos; p = s.find(kLayer, p + v.size()))
    s.replace(p, kLayer.size(), v);
  return s;
}

std::string Parser::dimNames() const {
  std::string r;
  for (auto& d : m_.dims) r += (r.empty() ? "" : ", ") + d.first;
  return r.empty() ? "none defined" : r;
}

// `count`: an integer >= 0 or a name from dims.
std::int64_t Parser::count(const Json& entry, const std::string& path) {
  const Json& c = entry.at("count");
  const std::string p = ju::key(path, "count");
  const std::string expected = "expected an integer or a name from dims (" + dimNames() + ") but got " + ju::show(c);
  if (c.is_string()) {
    auto v = m_.dim(c.get<std::string>());
    if (!v) bad(p, expected);
    return *v;
  }
  if (!c.is_number_integer()) bad(p, expected);
  const std::int64_t n = c.get<std::int64_t>();
  if (n < 0) bad(p, "must be >= 0 but got " + std::to_string(n));
  return n;
}

// How many copies an entry stands for, checking that every templated field uses {layer} exactly
// when a count is given. Returns -1 for a plain (untemplated) entry.
std::int64_t Parser::templateCount(const Json& e, const std::string& path,
                                   const std::vector<std::pair<std::string, std::string>>& names) {
  const bool counted = e.contains("count");
  for (auto& [field, value] : names) {
    if (counted && !hasLayer(value)) bad(ju::key(path, field), "has a count but no {layer} in \"" + value + "\"");
    if (!counted && hasLayer(value)) bad(ju::key(path, field), "uses {layer} in \"" + value + "\" but the entry has no count");
  }
  return counted ? count(e, path) : -1;
}

Dim Parser::dim(const Json& d, const std::string& path) {
  if (d.is_string()) {
    const std::string n = d.get<std::string>();
    if (n.empty()) bad(path, "expected a dim name but got an empty string");
    if (auto v = m_.dim(n)) return Dim{*v, n};
    return Dim::symbol(n);
  }
  if (d.is_number_integer() && d.get<std::int64_t>() >= 0) return Dim::of(d.get<std::int64_t>());
  bad(path, "expected an integer >= 0 or a dim name but got " + ju::show(d));
}

void Parser::tensors(const Json& list, const std::string& path, std::vector<TensorDesc>& out) {
  ju::expectArray(list, kP, path);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = ju::index(path, i);
    const Json& e = list[i];
    ju::expectObject(e, kP, p);
    onlyKeys(e, p, {"name", "dtype", "shape", "count"});
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

FileRef Parser::fileRef(const Json& obj, const std::string& p, bool standalone) {
  ju::expectObject(obj, kP, p);
  if (standalone) onlyKeys(obj, p, {"file", "sha256", "bytes"});
  FileRef r;
  r.file = fileName(ju::require(obj, "file", kP, p), ju::key(p, "file"));
  if (auto s = obj.find("sha256"); s != obj.end() && !s->is_null()) r.sha256 = ju::asString(*s, kP, ju::key(p, "sha256"));
  if (auto b = obj.find("bytes"); b != obj.end() && !b->is_null()) r.bytes = ju::asInt(*b, kP, ju::key(p, "bytes"));
  return r;
}

void Parser::components(const Json& obj) {
  ju::expectObject(obj, kP, "components");
  if (obj.empty()) bad("components", "expected at least one component");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string p = ju::key("components", it.key());
    const Json& e = it.value();
    ju::expectObject(e, kP, p);
    onlyKeys(e, p, {"file", "sha256", "bytes", "external_data", "inputs", "outputs", "backends"});
    Component c;
    c.name = it.key();
    static_cast<FileRef&>(c) = fileRef(e, p, false);
    if (auto x = e.find("external_data"); x != e.end()) {
      const std::string xp = ju::key(p, "external_data");
      ju::expectArray(*x, kP, xp);
      for (std::size_t k = 0; k < x->size(); ++k) {
        const Json& f = (*x)[k];
        c.externalData.push_back(f.is_string() ? FileRef{fileName(f, ju::index(xp, k)), std::nullopt, std::nullopt} : fileRef(f, ju::index(xp, k)));
      }
    }
    if (auto b = e.find("backends"); b != e.end()) c.backends = backendList(*b, ju::key(p, "backends"));
    componentIo(e, p, c);
    m_.components.push_back(std::move(c));
  }
}

// Inputs and outputs as declared; a list the manifest omits is the graph's own (from `graphs_`),
// and a declared one must match the graph.
void Parser::componentIo(const Json& e, const std::string& p, Component& c) {
  const auto g = graphs_ ? graphs_->find(c.name) : GraphIO::const_iterator();
  const SessionIO* graph = graphs_ && g != graphs_->end() ? &g->second : nullptr;
  for (const char* kind : {"input", "output"}) {
    const std::string field = std::string(kind) + "s";
    std::vector<TensorDesc>& list = field == "inputs" ? c.inputs : c.outputs;
    if (auto it = e.find(field); it != e.end()) {
      tensors(*it, ju::key(p, field), list);
      continue;
    }
    c.ioFromGraph = true;
    if (graph) list = declaredFromGraph(m_, c, kind, field == "inputs" ? graph->inputs : graph->outputs);
    else if (!listOnly_)
      bad(ju::key(p, field), "omitted, so it comes from the graph, but no session described it: load the package through the JS "
                             "layer (which opens the graph first) or declare the component's " + field);
  }
  if (graph) checkDeclared(c, *graph);
}

const Component& Parser::componentNamed(const Json& v, const std::string& p) {
  const std::string n = ju::asString(v, kP, p);
  const Component* c = m_.component(n);
  if (!c) bad(p, "no component named \"" + n + "\" (components: " + m_.componentList() + ")");
  return *c;
}

const Component& Parser::componentRef(const Json& e, const std::string& p) {
  return componentNamed(ju::require(e, "component", kP, p), ju::key(p, "component"));
}

std::string Parser::oneOf(const Json& v, const std::string& p, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (v.is_string() && v.get<std::string>() == a) return a;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  bad(p, "expected one of " + list + " but got " + ju::show(v));
}

// Every input may be fed by only one thing (a state slot, a constant or a generator role).
void Parser::claim(const std::string& comp, const std::string& input, const std::string& path) {
  if (!fed_.insert(comp + "\n" + input).second)
    bad(path, "input '" + input + "' of component '" + comp + "' is already fed by another entry");
}

}  // namespace manifest_parser

bool Component::runsOn(const std::string& backend) const {
  if (backends.empty()) return true;
  for (const std::string& b : backends)
    if (b == backend) return true;
  return false;
}

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

namespace {

void parseDims(Manifest& m, const Json& d) {
  ju::expectObject(d, manifest_parser::kP, "dims");
  for (auto it = d.begin(); it != d.end(); ++it) {
    const std::int64_t v = ju::asInt(it.value(), manifest_parser::kP, ju::key("dims", it.key()));
    if (v < 0) manifest_parser::bad(ju::key("dims", it.key()), "must be >= 0 but got " + std::to_string(v));
    m.dims.emplace_back(it.key(), v);
  }
}

}  // namespace

namespace {

// The manifest's JSON after the checks every reading needs: the size budget, the top-level keys,
// the format; `m` gets the budgets, format, name and dims.
Json parseTop(const std::string& text, const Budgets& budgets, Manifest& m) {
  using namespace manifest_parser;
  Json j = parseTopJson(text, budgets);
  if (j.contains("variants"))
    bad("variants", "this weft.json is a package index (variants, no components): load it with the JS layer's load(), "
                    "which picks a variant, or load one of its folders");
  // compat, source and validation are the toolkit's records (other runtimes, provenance, bands);
  // $schema lets editors find docs/weft.schema.json.
  onlyKeys(j, "", {"$schema", "format", "name", "dims", "components", "state", "constants", "generator", "generation", "tokenizer",
                   "precision", "backends", "compat", "source", "validation"});
  m.budgets = budgets;
  m.format = ju::asString(ju::require(j, "format", kP, ""), kP, "format");
  if (m.format != "weft/1") bad("format", "expected \"weft/1\" but got " + ju::show(j["format"]));
  if (auto n = j.find("name"); n != j.end()) m.name = ju::asString(*n, kP, "name");
  if (auto d = j.find("dims"); d != j.end()) parseDims(m, *d);
  m.target = packageTarget(j);
  return j;
}

}  // namespace

Manifest Manifest::parse(const std::string& text, const Budgets& budgets, const GraphIO& graphs) {
  using namespace manifest_parser;
  Manifest m;
  const Json j = parseTop(text, budgets, m);
  Parser p(m, &graphs);
  p.components(ju::require(j, "components", kP, ""));
  if (auto s = j.find("state"); s != j.end()) p.state(*s);
  if (auto c = j.find("constants"); c != j.end()) p.constants(*c);
  if (auto t = j.find("tokenizer"); t != j.end()) m.tokenizer = Parser::fileRef(*t, "tokenizer");
  if (auto g = j.find("generation"); g != j.end()) {
    ju::expectObject(*g, kP, "generation");
    m.generation = *g;
  }
  p.generator(ju::require(j, "generator", kP, ""));  // last: its spec reads dims, state and generation
  return m;
}

std::vector<Component> Manifest::componentsWithoutIo(const std::string& text, const Budgets& budgets) {
  using namespace manifest_parser;
  Manifest m;
  const Json j = parseTop(text, budgets, m);
  Parser(m, nullptr, true).components(ju::require(j, "components", kP, ""));
  std::vector<Component> r;
  for (Component& c : m.components)
    if (c.ioFromGraph) r.push_back(std::move(c));
  return r;
}

}  // namespace weft
