// What a model package may make Weft allocate. A package is untrusted input (docs/MANIFEST.md,
// "Security model"): its declared shapes are checked against these budgets at load, before
// anything is allocated, and a request's host buffers when a generator is created. Callers
// override them: Model.fromJson(text, budgets), load(url, { budgets }).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace weft {

struct Budgets {
  std::int64_t manifestBytes = std::int64_t{16} << 20;  // weft.json text
  std::int64_t tensorElements = std::int64_t{1} << 28;  // any declared state slot, constant or host buffer
  int jsonDepth = 64;                                    // nesting of weft.json

  // {"manifest_bytes", "tensor_elements", "json_depth"} over the defaults ("" = the defaults).
  static Budgets parse(const std::string& json);
  // Throws weft::Error("<what> holds N elements, over the budget of M (budgets.tensor_elements)")
  // when the shape's elements exceed the budget; -1 dims (unknown yet) count as 1.
  void checkElements(const std::string& what, const std::vector<std::int64_t>& shape) const;
};

}  // namespace weft
