// Load-time validation of a component against the ONNX session that will run it: the manifest's
// expanded inputs/outputs vs the graph's real ones (names, dtypes, ranks, fixed dims), and every
// graph input fed by a host role, a state entry or a constant. Errors name the component, its
// file, the tensor, the expected and the actual value.
#pragma once
#include <string>
#include <vector>

#include "weft/manifest.h"
#include "weft/session_io.h"

namespace weft {

// The component's declared tensors vs the graph's: every declared tensor exists with that dtype,
// rank and fixed dims, and the graph has no input the component does not list.
// Throws weft::Error("component 'c' (file.onnx): ...") on the first mismatch.
void checkDeclared(const Component& c, const SessionIO& io);

// The graph's tensors as the manifest would declare them, for a component whose manifest omits
// the list (`kind`: "input" or "output"). A dim the graph leaves unnamed is `batch`
// (kUnnamedDim); a named one that is also a `dims` name takes its value, as in a manifest.
extern const char* const kUnnamedDim;
std::vector<TensorDesc> declaredFromGraph(const Manifest& m, const Component& c, const char* kind,
                                          const std::vector<GraphTensor>& graph);

// checkDeclared, then every input fed by the manifest.
// Throws weft::Error("component 'c' (file.onnx): ...") on the first mismatch.
void checkSession(const Manifest& m, const std::string& component, const SessionIO& io);

}  // namespace weft
