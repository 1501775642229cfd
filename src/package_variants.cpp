#include "weft/package_variants.h"

#include <algorithm>

#include "manifest_parser.h"
#include "weft/error.h"

namespace weft {

namespace ju = json_util;
using manifest_parser::bad;
using manifest_parser::kP;

namespace {

const char* const kPrecisions[] = {"fp32", "fp16", "int8"};
const char* const kBackends[] = {"webgpu", "wasm", "cpu"};

// The toolkit's convention (docs/MUSICGEN.md, "Precisions"): fp16 halves the download for
// WebGPU, int8 (dynamic quantization) suits the CPU of wasm and onnxruntime-node, fp32 runs anywhere.
const std::pair<const char*, std::vector<const char*>> kUsualBackends[] = {
    {"fp16", {"webgpu"}}, {"int8", {"wasm", "cpu"}}, {"fp32", {"webgpu", "wasm", "cpu"}}};

// A precision a backend runs only on devices with a feature: fp16 weights on WebGPU need
// shader-f16 (without it onnxruntime-web refuses the graph's first f16 kernel at the first run).
struct Need {
  const char *precision, *backend, *feature;
};
const Need kNeeds[] = {{"fp16", "webgpu", "shader-f16"}};

// The feature `precision` on `backend` needs and the runtime lacks ("" when none).
std::string missing(const std::optional<std::string>& precision, const std::string& backend, const std::vector<std::string>& lacking) {
  for (const Need& n : kNeeds)
    if (precision == n.precision && backend == n.backend && std::find(lacking.begin(), lacking.end(), n.feature) != lacking.end()) return n.feature;
  return "";
}

// The candidates a package of `precision` can run on, given the features the runtime lacks.
std::vector<std::string> able(const std::vector<std::string>& candidates, const std::optional<std::string>& precision,
                              const std::vector<std::string>& lacking) {
  std::vector<std::string> r;
  for (const std::string& c : candidates)
    if (missing(precision, c, lacking).empty()) r.push_back(c);
  return r;
}

std::string listOf(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string r;
  for (const std::string& s : v) r += (r.empty() ? "" : sep) + s;
  return r;
}

template <std::size_t N>
std::string known(const char* const (&names)[N], const Json& v, const std::string& p) {
  std::string list;
  for (const char* n : names) {
    if (v.is_string() && v.get<std::string>() == n) return n;
    list += (list.empty() ? "" : ", ") + std::string(n);
  }
  bad(p, "expected one of " + list + " but got " + ju::show(v));
}

std::string precision(const Json& v, const std::string& p) { return known(kPrecisions, v, p); }

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> fitting(const std::vector<std::string>& candidates, const std::vector<std::string>& backends) {
  std::vector<std::string> r;
  for (const std::string& c : candidates)
    if (has(backends, c)) r.push_back(c);
  return r;
}

std::string backendWords(const std::vector<std::string>& candidates) {
  return (candidates.size() == 1 ? "backend '" : "backends '") + listOf(candidates, "', '") + "'";
}

// "int8 or fp32 for wasm"; `noun` between: "int8 or fp32 package for wasm".
std::string insteadFor(const std::vector<std::string>& candidates, const std::string& noun = "") {
  std::string r;
  for (const std::string& c : candidates) r += (r.empty() ? "" : "; ") + precisionsFor(c) + noun + " for " + c;
  return r;
}

Json chooseVariant(const PackageIndex& index, const std::vector<std::string>& candidates, const std::string& forced,
                   const std::vector<std::string>& lacking) {
  std::vector<std::string> offered;
  for (const PackageVariant& v : index.variants) offered.push_back(v.precision + " (" + listOf(v.backends) + ")");
  for (std::size_t i = 0; i < index.variants.size(); ++i) {
    const PackageVariant& v = index.variants[i];
    if (!forced.empty() && v.precision != forced) continue;
    const std::vector<std::string> fit = fitting(able(candidates, v.precision, lacking), v.backends);
    for (const std::string& c : fitting(candidates, v.backends))
      if (!forced.empty() && fit.empty() && !missing(v.precision, c, lacking).empty())
        bad(ju::key(ju::index("variants", i), "precision"), "the " + v.precision + " variant needs " + missing(v.precision, c, lacking) + " on " + c +
                                                                ", which this device lacks: use another precision");
    if (!forced.empty() && fit.empty())
      bad(ju::key(ju::index("variants", i), "backends"), "the " + v.precision + " variant is for " + listOf(v.backends) + ", not " +
                                                             backendWords(candidates) + ": use precision " + insteadFor(candidates));
    if (!forced.empty()) return Json{{"index", true}, {"folder", v.folder}, {"precision", v.precision}, {"backends", fit}};
  }
  if (!forced.empty()) bad("variants", "no variant has precision '" + forced + "' (variants: " + listOf(offered) + ")");
  for (const std::string& c : candidates)  // the runtime's preferred backend first, then the index's order
    for (const PackageVariant& v : index.variants)
      if (has(v.backends, c) && missing(v.precision, c, lacking).empty())
        return Json{{"index", true}, {"folder", v.folder}, {"precision", v.precision}, {"backends", fitting(able(candidates, v.precision, lacking), v.backends)}};
  bad("variants", "no variant is for " + backendWords(candidates) + " (variants: " + listOf(offered) + ")");
}

Json choosePackageTarget(const Json& j, const std::vector<std::string>& all, const std::string& forced, const std::vector<std::string>& lacking) {
  const PackageTarget t = manifest_parser::packageTarget(j);
  const std::string name = j.contains("name") && j["name"].is_string() ? "'" + j["name"].get<std::string>() + "' " : "";
  const std::string what = "the package " + name + "is " + (t.precision ? *t.precision : "of no declared precision");
  if (!forced.empty() && t.precision != forced)
    bad("precision", what + ", not the '" + forced + "' asked for: load the " + forced + " package (or the index above it)");
  const std::vector<std::string> candidates = able(all, t.precision, lacking);
  if (candidates.empty())
    bad("precision", what + ", which needs " + missing(t.precision, all[0], lacking) + " on " + all[0] +
                         ", and this device lacks it: load a package of another precision (or the index above it)");
  if (!t.backends) return Json{{"index", false}, {"precision", t.precision ? Json(*t.precision) : Json(nullptr)}, {"backends", candidates}};
  const std::vector<std::string> fit = fitting(candidates, *t.backends);
  if (fit.empty())
    bad("backends", what + " for " + listOf(*t.backends) + ", not " + backendWords(candidates) + ": use the " +
                        insteadFor(candidates, " package") + " instead (or the index above it)");
  return Json{{"index", false}, {"precision", t.precision ? Json(*t.precision) : Json(nullptr)}, {"backends", fit}};
}

}  // namespace

std::vector<std::string> backendList(const Json& v, const std::string& p) {
  ju::expectArray(v, kP, p);
  if (v.empty()) bad(p, "expected at least one backend");
  std::vector<std::string> r;
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string b = known(kBackends, v[i], ju::index(p, i));
    if (std::find(r.begin(), r.end(), b) != r.end()) bad(ju::index(p, i), "backend '" + b + "' is listed twice");
    r.push_back(std::move(b));
  }
  return r;
}

namespace manifest_parser {

PackageTarget packageTarget(const Json& top) {
  PackageTarget t;
  if (auto p = top.find("precision"); p != top.end()) t.precision = precision(*p, "precision");
  if (auto b = top.find("backends"); b != top.end()) t.backends = backendList(*b, "backends");
  return t;
}

}  // namespace manifest_parser

std::string precisionsFor(const std::string& backend) {
  std::vector<std::string> r;
  for (const auto& [p, backends] : kUsualBackends)
    if (std::find(backends.begin(), backends.end(), backend) != backends.end()) r.push_back(p);
  return r.empty() ? "a package" : listOf(r, " or ");
}

PackageIndex PackageIndex::parse(const std::string& text, const Budgets& budgets) {
  const Json j = manifest_parser::parseTopJson(text, budgets);
  manifest_parser::onlyKeys(j, "", {"$schema", "format", "name", "variants"});
  PackageIndex index;
  index.format = ju::asString(ju::require(j, "format", kP, ""), kP, "format");
  if (index.format != "weft/1") bad("format", "expected \"weft/1\" but got " + ju::show(j["format"]));
  if (auto n = j.find("name"); n != j.end()) index.name = ju::asString(*n, kP, "name");
  const Json& list = ju::require(j, "variants", kP, "");
  ju::expectArray(list, kP, "variants");
  if (list.empty()) bad("variants", "expected at least one variant");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = ju::index("variants", i);
    const Json& e = list[i];
    ju::expectObject(e, kP, p);
    manifest_parser::onlyKeys(e, p, {"folder", "precision", "backends", "bytes"});
    PackageVariant v;
    v.folder = manifest_parser::fileName(ju::require(e, "folder", kP, p), ju::key(p, "folder"));
    v.precision = precision(ju::require(e, "precision", kP, p), ju::key(p, "precision"));
    v.backends = backendList(ju::require(e, "backends", kP, p), ju::key(p, "backends"));
    v.bytes = ju::asInt(ju::require(e, "bytes", kP, p), kP, ju::key(p, "bytes"));
    if (v.bytes < 0) bad(ju::key(p, "bytes"), "must be >= 0 but got " + std::to_string(v.bytes));
    for (const PackageVariant& w : index.variants) {
      if (w.folder == v.folder) bad(ju::key(p, "folder"), "folder '" + v.folder + "' is listed twice");
      if (w.precision == v.precision) bad(ju::key(p, "precision"), "precision '" + v.precision + "' is listed twice");
    }
    index.variants.push_back(std::move(v));
  }
  return index;
}

std::string choosePackage(const std::string& text, const Budgets& budgets, const std::vector<std::string>& candidates,
                          const std::string& forced, const std::vector<std::string>& lacking) {
  if (candidates.empty()) throw Error("choosePackage: no candidate backend");
  if (!forced.empty() && std::find(std::begin(kPrecisions), std::end(kPrecisions), forced) == std::end(kPrecisions))
    throw Error("load options: precision: expected one of fp32, fp16, int8 but got \"" + forced + "\"");
  const Json j = manifest_parser::parseTopJson(text, budgets);
  if (j.contains("variants")) return chooseVariant(PackageIndex::parse(text, budgets), candidates, forced, lacking).dump();
  return choosePackageTarget(j, candidates, forced, lacking).dump();
}

}  // namespace weft
