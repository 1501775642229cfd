// What a generator type declares to the registry (generator_registry.h): the components it runs
// (keys of the manifest's `generator` object), its io roles (graph tensors the core feeds from
// host buffers or reads back), the other keys its generator object may hold, its typed spec
// (parsed once at load and kept in the manifest), its options schema and its factory.
// Adding a family is one header + one .cpp defining a GeneratorType, plus one registry line.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/dtype.h"

namespace weft {

struct Manifest;
class Model;
class Generator;

// A component the generator runs: the manifest's generator.<key> names it.
struct ComponentRole {
  std::string key;
  bool required = true;
  // Roles whose components this one stands in for when its component runs on the model's
  // backend (components.<name>.backends): those are then not run, nor loaded.
  std::vector<std::string> replaces = {};
};

// A graph tensor the core feeds (input) or reads (output) in every component of `components`
// that the package has. Required roles must be given whenever one of those components is present.
struct IoRole {
  std::string name;
  bool input = true;
  bool required = true;
  std::vector<std::string> components;  // ComponentRole keys
  std::optional<DType> dtype;           // the dtype the generator's host buffer has, when fixed
};

// One option a request may give (JSON, snake_case; the JS layer maps camelCase names onto it).
enum class OptionKind { Integer, Number, Boolean, Seed, String, Integers, IntegerRows, IntegerOrIntegers, BooleanOrObject };
const char* optionKindName(OptionKind k);

struct OptionSpec {
  std::string name;
  OptionKind kind = OptionKind::Integer;
  std::string doc;
  nlohmann::ordered_json fallback;  // the built-in default (null: none; the manifest may override)
  std::optional<double> min, max;   // limits the type's parser enforces
  bool minExclusive = false;
  std::string js;  // the JS layer's name when it is not the camelCase of `name`
};

// The type's view of its manifest, parsed and checked once at load.
struct GeneratorSpecBase {
  virtual ~GeneratorSpecBase() = default;
  // Adds what Model::infoJson reports beyond the manifest as written: derived generator keys
  // (e.g. a stream's chunk) and the effective `generation` defaults.
  virtual void describe(nlohmann::ordered_json& generator, nlohmann::ordered_json& generation) const {
    (void)generator;
    (void)generation;
  }
};

struct GeneratorType {
  std::string name;
  std::vector<ComponentRole> components;
  std::vector<IoRole> io;
  std::vector<std::string> keys;  // other keys of the generator object
  std::vector<OptionSpec> options;
  std::shared_ptr<const GeneratorSpecBase> (*parseSpec)(const Manifest& m) = nullptr;
  std::unique_ptr<Generator> (*create)(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options) = nullptr;

  const IoRole* role(const std::string& n) const;
  const OptionSpec* option(const std::string& n) const;
  std::string optionNames() const;  // "a, b, c" for messages
};

}  // namespace weft
