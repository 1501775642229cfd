// Packages by precision (docs/MANIFEST.md, "precision, backends" and "Package index"): a package
// may name its weights' precision and the backends it is for, and a folder may hold one package
// per precision under an index weft.json that lists them. The loader asks here which folder and
// which backends to use; the JS layer only obeys.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/budgets.h"

namespace weft {

// A package's `precision` and `backends` (both optional; absent: any backend).
struct PackageTarget {
  std::optional<std::string> precision;
  std::optional<std::vector<std::string>> backends;
};

// One entry of an index's `variants`: a package in a sub-folder.
struct PackageVariant {
  std::string folder, precision;
  std::vector<std::string> backends;
  std::int64_t bytes = 0;
};

// An index weft.json: `variants` in preference order, no components.
struct PackageIndex {
  std::string format, name;
  std::vector<PackageVariant> variants;

  // Throws weft::Error("weft.json: <path>: <problem>").
  static PackageIndex parse(const std::string& json_text, const Budgets& budgets = Budgets());
};

// A manifest list of backends ("webgpu", "wasm", "cpu"), non-empty, each once; errors name `path`.
std::vector<std::string> backendList(const nlohmann::ordered_json& list, const std::string& path);

// The precisions the toolkit writes for `backend` ("int8 or fp32"), for messages.
std::string precisionsFor(const std::string& backend);

// What to load for the manifest `json_text` given the runtime's candidate backends (preference
// order) and an optional forced precision ("" for none), as JSON:
//   index:   {"index": true, "folder", "precision", "backends": [candidates the variant is for]}
//   package: {"index": false, "precision": string|null, "backends": [candidates it is for]}
// Throws when nothing fits, naming the field, the package's precision and backends and what to
// use instead.
// `lacking`: device features the runtime lacks (e.g. "shader-f16"); a precision that needs one on
// a backend (fp16 on webgpu needs shader-f16) is not chosen there, and a package of it is refused.
std::string choosePackage(const std::string& json_text, const Budgets& budgets,
                          const std::vector<std::string>& candidates, const std::string& precision,
                          const std::vector<std::string>& lacking = {});

}  // namespace weft
