// A plan: one run of one component, as the core asks JS to execute it (docs/ARCHITECTURE.md, "The step machine").
// Inputs come from a host buffer (dtype + concrete shape), a state slot or a constant; outputs go
// to a host buffer (optionally only the last `tail` elements) or a state slot. Unlisted outputs
// are not fetched.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "weft/dtype.h"

namespace weft {

enum class Source { Host, Slot, Const };

struct PlanInput {
  std::string name;
  Source source = Source::Host;
  int index = 0;                    // host buffer, slot or constant index
  DType dtype = DType::Float32;     // host inputs only
  std::vector<std::int64_t> shape;  // host inputs only
  // Host inputs an operator reads in host memory (onnxruntime's CPU inputs): a runner that keeps
  // the run on the device leaves them there rather than uploading what would come back.
  bool onHost = false;
};

struct PlanOutput {
  std::string name;
  Source source = Source::Host;  // Host or Slot
  int index = 0;
  std::int64_t tail = -1;  // host outputs: copy only the last `tail` elements; -1 = all
};

struct Plan {
  std::string component;
  std::vector<PlanInput> inputs;
  std::vector<PlanOutput> outputs;
};

// {"component", "inputs":[{"name","host","dtype","shape"} | {"name","slot"} | {"name","const"}],
//  "outputs":[{"name","host"[,"tail"]} | {"name","slot"}]}
std::string planToJson(const Plan& p);

}  // namespace weft
