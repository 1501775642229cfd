// What onnxruntime says about a graph: its inputs and outputs as a session reports them
// (session.inputMetadata / outputMetadata). The core compares a component's declared tensors
// with these (session_check.h) and, where the manifest omits a component's inputs or outputs,
// takes them from here.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace weft {

// One tensor as onnxruntime's session.inputMetadata / outputMetadata describe it.
struct GraphTensor {
  std::string name;
  std::string type;  // ORT's dtype string; empty when unknown
  // Absent when unknown (then only names and dtypes are checked). Each dim is a number (fixed)
  // or a string (symbolic, possibly "").
  std::optional<std::vector<std::variant<std::int64_t, std::string>>> shape;
};

struct SessionIO {
  std::vector<GraphTensor> inputs, outputs;
};

// Component name -> its session's inputs and outputs.
using GraphIO = std::map<std::string, SessionIO>;

// {"inputs":[{"name","type","shape"}],"outputs":[...]}; throws weft::Error on malformed JSON.
SessionIO parseSessionIO(const std::string& json_text);
// {"<component>": {"inputs": [...], "outputs": [...]}, ...}; "" is no graphs.
GraphIO parseGraphIO(const std::string& json_text);

}  // namespace weft
