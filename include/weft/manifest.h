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

  const TensorDesc* findInput(const std::string& n) const;
  const TensorDesc* findOutput(const std::string& n) const;
};

struct StateEntry {  // one expanded state pair
  std::string component, input, output;
  std::string init;  // "empty" | "zeros"
  std::string mode;  // "grow" | "fixed"
  int axis = -1;     // growth / empty axis; -1 when not given
  std::string path;  // JSON path of the entry, for later error messages
};

struct ConstantEntry {
  std::string component, input;
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
  HostBuffer values;  // typed storage in `dtype`
};

struct GeneratorSpec {
  std::string type;       // "decoder" | "stream"
  std::string component;
  std::vector<std::pair<std::string, std::string>> io;  // role -> graph tensor name
  std::int64_t chunk = 0;        // stream: samples per run
  std::int64_t sample_rate = 0;  // stream: 0 when not given
  nlohmann::ordered_json raw;    // the generator object as written

  const std::string* role(const std::string& r) const;  // nullptr when the graph lacks it
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
