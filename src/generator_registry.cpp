#include "weft/generator_registry.h"

#include "json_util.h"
#include "weft/classifier_generator.h"
#include "weft/decoder_generator.h"
#include "weft/error.h"
#include "weft/musicgen_generator.h"
#include "weft/pocket_tts_generator.h"
#include "weft/stream_generator.h"

namespace weft {

namespace ju = json_util;

const std::vector<const GeneratorType*>& generatorTypes() {
  static const std::vector<const GeneratorType*> types = {
      &decoderGeneratorType(),
      &streamGeneratorType(),
      &classifierGeneratorType(),
      &musicgenGeneratorType(),
      &pocketTtsGeneratorType(),
  };
  return types;
}

const GeneratorType* findGeneratorType(const std::string& name) {
  for (const GeneratorType* t : generatorTypes())
    if (t->name == name) return t;
  return nullptr;
}

std::string generatorTypeNames() {
  std::string r;
  for (const GeneratorType* t : generatorTypes()) r += (r.empty() ? "" : ", ") + t->name;
  return r;
}

const char* optionKindName(OptionKind k) {
  switch (k) {
    case OptionKind::Integer: return "integer";
    case OptionKind::Number: return "number";
    case OptionKind::Boolean: return "boolean";
    case OptionKind::Seed: return "seed";
    case OptionKind::String: return "string";
    case OptionKind::Integers: return "integer[]";
    case OptionKind::IntegerRows: return "integer[][]";
    case OptionKind::IntegerOrIntegers: return "integer | integer[] | null";
    case OptionKind::BooleanOrObject: return "boolean | object";
  }
  return "?";
}

const IoRole* GeneratorType::role(const std::string& n) const {
  for (const IoRole& r : io)
    if (r.name == n) return &r;
  return nullptr;
}

const OptionSpec* GeneratorType::option(const std::string& n) const {
  for (const OptionSpec& o : options)
    if (o.name == n) return &o;
  return nullptr;
}

std::string GeneratorType::optionNames() const {
  std::string r;
  for (const OptionSpec& o : options) r += (r.empty() ? "" : ", ") + o.name;
  return r;
}

namespace {

void checkKind(const OptionSpec& o, const Json& v) {
  const std::string p = ju::key("options", o.name);
  switch (o.kind) {
    case OptionKind::Integer: ju::asInt(v, "", p); break;
    case OptionKind::Number: ju::asNumber(v, "", p); break;
    case OptionKind::Boolean: ju::asBool(v, "", p); break;
    case OptionKind::Seed: ju::asSeed(v, "", p); break;
    case OptionKind::String: ju::asString(v, "", p); break;
    case OptionKind::Integers: ju::expectArray(v, "", p); break;
    case OptionKind::IntegerRows:
      ju::expectArray(v, "", p);
      for (std::size_t i = 0; i < v.size(); ++i) ju::expectArray(v[i], "", ju::index(p, i));
      break;
    case OptionKind::IntegerOrIntegers:
      if (!v.is_null() && !v.is_array()) ju::asInt(v, "", p);
      break;
    case OptionKind::BooleanOrObject:
      if (!v.is_null() && !v.is_boolean()) ju::expectObject(v, "", p);
      break;
  }
}

std::string camelCase(const std::string& snake) {
  std::string r;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    r += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    up = false;
  }
  return r;
}

}  // namespace

void checkOptions(const GeneratorType& type, const Json& options) {
  ju::expectObject(options, "", "options");
  for (auto it = options.begin(); it != options.end(); ++it) {
    const OptionSpec* o = type.option(it.key());
    if (!o)
      throw Error("options." + it.key() + ": unknown option (" +
                  (type.options.empty() ? "a " + type.name + " generator takes none" : "options: " + type.optionNames()) + ")");
    checkKind(*o, it.value());
  }
}

Json generatorTypeJson(const GeneratorType& t) {
  Json components = Json::array(), io = Json::array(), options = Json::array();
  for (const ComponentRole& c : t.components) components.push_back({{"key", c.key}, {"required", c.required}});
  for (const IoRole& r : t.io)
    io.push_back({{"name", r.name}, {"input", r.input}, {"required", r.required}, {"components", r.components}});
  for (const OptionSpec& o : t.options) {
    Json e = {{"name", o.name}, {"js", o.js.empty() ? camelCase(o.name) : o.js}, {"kind", optionKindName(o.kind)},
              {"doc", o.doc}, {"default", o.fallback}};
    if (o.min) e["min"] = *o.min;
    if (o.max) e["max"] = *o.max;
    if (o.minExclusive) e["min_exclusive"] = true;
    options.push_back(std::move(e));
  }
  return Json{{"components", components}, {"io", io}, {"keys", t.keys}, {"options", options}};
}

std::string generatorTypesJson() {
  Json all = Json::object();
  for (const GeneratorType* t : generatorTypes()) all[t->name] = generatorTypeJson(*t);
  return all.dump();
}

}  // namespace weft
