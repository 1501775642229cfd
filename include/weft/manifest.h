// The model package manifest (weft.json, format "weft/1"), parsed and validated at load.
// Templates ("{layer}" with a count) are expanded here, once; dims named in `dims` are resolved to
// fixed values; every error names the JSON path of the bad field (see docs/ARCHITECTURE.md §1).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/host_buffer.h"
#include "weft/tensor.h"

namespace weft {

// A file of the package with its optional integrity data (checked by the JS loader).
struct FileRef {
  std::string file;
  std::optional<std::string> sha256;
  std::optional<std::int64_t> bytes;
};

struct Component : FileRef {
  std::string name;
  std::vector<TensorDesc> inputs, outputs;  // expanded, in manifest order
  std::vector<FileRef> externalData;        // files holding the graph's initializers

  const TensorDesc* findInput(const std::string& n) const;
  const TensorDesc* findOutput(const std::string& n) const;
};

struct StateEntry {  // one expanded state pair
  std::string component;                // the first component the slot feeds
  std::vector<std::string> components;  // every component it feeds (`component` or `components`)
  std::string input;
  std::string output;  // the output that replaces the slot after each run; "" = never replaced
  std::string init;    // "empty" | "zeros" | "from" (`init_from`: another component writes it first)
  std::string mode;    // "grow" | "fixed"
  int axis = -1;       // growth / empty axis; -1 when not given
  // init "empty": positions an empty slot holds along `axis` (zeros the graph masks; 0 = none)
  std::int64_t emptyLength = 0;
  std::string initComponent, initOutput;  // init "from": the run whose output starts the slot
  std::string path;    // JSON path of the entry, for later error messages

  bool feeds(const std::string& c) const;
};

struct ConstantEntry {
  std::string component, input;
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
  HostBuffer values;  // typed storage in `dtype`
};

struct GeneratorSpec {
  std::string type;       // "decoder" | "stream" | "classifier" | "musicgen"
  std::string component;  // musicgen: the step component
  std::vector<std::pair<std::string, std::string>> io;  // role -> graph tensor name
  // Multi-component generators (musicgen): component role -> component name.
  std::vector<std::pair<std::string, std::string>> components;
  // (component, input) pairs the generator feeds from host buffers (for load-time checks).
  std::vector<std::pair<std::string, std::string>> hostInputs;
  std::int64_t chunk = 0;        // stream: samples per run
  std::int64_t sample_rate = 0;  // stream: 0 when not given
  nlohmann::ordered_json raw;    // the generator object as written

  const std::string* role(const std::string& r) const;  // nullptr when the graph lacks it
  const std::string* componentFor(const std::string& role) const;  // nullptr when absent
};

struct Manifest {
  std::string format, name;
  std::vector<std::pair<std::string, std::int64_t>> dims;
  std::vector<Component> components;
  std::vector<StateEntry> state;
  std::vector<ConstantEntry> constants;
  GeneratorSpec generator;
  nlohmann::ordered_json generation = nlohmann::ordered_json::object();
  std::optional<FileRef> tokenizer;  // tokenizer.json or a SentencePiece .model

  // Throws weft::Error("weft.json: <path>: <problem>").
  static Manifest parse(const std::string& json_text);

  const Component* component(const std::string& n) const;
  std::optional<std::int64_t> dim(const std::string& n) const;
  std::string componentList() const;  // "decoder, vad" for messages
};

}  // namespace weft
