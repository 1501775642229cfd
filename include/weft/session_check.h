// Load-time validation of a component against the ONNX session that will run it: the manifest's
// expanded inputs/outputs vs the graph's real ones (names, dtypes, ranks, fixed dims), and every
// graph input fed by a host role, a state entry or a constant. Errors name the component, its
// file, the tensor, the expected and the actual value.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "weft/manifest.h"

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

// {"inputs":[{"name","type","shape"}],"outputs":[...]}; throws weft::Error on malformed JSON.
SessionIO parseSessionIO(const std::string& json_text);

// Throws weft::Error("component 'c' (file.onnx): ...") on the first mismatch.
void checkSession(const Manifest& m, const std::string& component, const SessionIO& io);

}  // namespace weft
