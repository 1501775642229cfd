// The model package manifest (weft.json, format "weft/1"; every key: docs/MANIFEST.md), parsed
// and validated at load. Templates ("{layer}" with a count) are expanded here, once; dims named in
// `dims` are resolved to fixed values; the generator object is checked against its type's entry in
// the registry and parsed into the type's spec; every error names the JSON path of the bad field.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/budgets.h"
#include "weft/generator_type.h"
#include "weft/host_buffer.h"
#include "weft/package_variants.h"
#include "weft/session_io.h"
#include "weft/state.h"
#include "weft/tensor.h"

namespace weft {

// A file of the package with its optional integrity data (checked by the JS loader). The name is a
// relative path inside the package (checkFileName), never a URL or a path that leaves it.
struct FileRef {
  std::string file;
  std::optional<std::string> sha256;
  std::optional<std::int64_t> bytes;
};

struct Component : FileRef {
  std::string name;
  std::vector<TensorDesc> inputs, outputs;  // expanded, in manifest order
  std::vector<FileRef> externalData;        // files holding the graph's initializers
  bool ioFromGraph = false;                 // the manifest omits its inputs or outputs
  std::vector<std::string> backends;        // the only backends it runs on (empty: any)

  bool runsOn(const std::string& backend) const;

  const TensorDesc* findInput(const std::string& n) const;
  const TensorDesc* findOutput(const std::string& n) const;
};

struct ConstantEntry {
  std::string component, input;
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
  HostBuffer values;  // typed storage in `dtype`
};

// The manifest's `generator` object, checked against its type's registry entry.
struct GeneratorSpec {
  std::string type;
  const GeneratorType* definition = nullptr;  // the registry entry of `type`
  std::vector<std::pair<std::string, std::string>> components;  // component role -> component name
  std::vector<std::pair<std::string, std::string>> io;          // io role -> graph tensor name
  // (component, input) pairs the generator feeds from host buffers (for load-time checks).
  std::vector<std::pair<std::string, std::string>> hostInputs;
  nlohmann::ordered_json raw;  // the generator object as written
  std::shared_ptr<const GeneratorSpecBase> typed;  // the type's parsed spec

  const std::string* role(const std::string& r) const;  // nullptr when the graph lacks it
  const std::string* componentFor(const std::string& role) const;  // nullptr when absent
  template <class T>
  const T& as() const { return static_cast<const T&>(*typed); }  // T: the type's spec
};

struct Manifest {
  std::string format, name;
  std::vector<std::pair<std::string, std::int64_t>> dims;
  std::vector<Component> components;
  std::vector<StateSlot> state;
  std::vector<ConstantEntry> constants;
  GeneratorSpec generator;
  nlohmann::ordered_json generation = nlohmann::ordered_json::object();
  std::optional<FileRef> tokenizer;  // tokenizer.json or a SentencePiece .model
  PackageTarget target;              // `precision` and `backends`, when the package names them

  Budgets budgets;  // what the package may make Weft allocate (checked at load)

  // Throws weft::Error("weft.json: <path>: <problem>"). `graphs`: the sessions' inputs and
  // outputs, by component, for the components whose inputs or outputs the manifest omits (they
  // are taken from the graph; declared ones are checked against it).
  static Manifest parse(const std::string& json_text, const Budgets& budgets = Budgets(), const GraphIO& graphs = {});
  // The components whose inputs or outputs the manifest omits: their sessions must be opened
  // (and described to parse) before the manifest can be. Reads only the top level and components.
  static std::vector<Component> componentsWithoutIo(const std::string& json_text, const Budgets& budgets = Budgets());

  const Component* component(const std::string& n) const;
  std::optional<std::int64_t> dim(const std::string& n) const;
  std::string componentList() const;  // "decoder, vad" for messages
};

}  // namespace weft
