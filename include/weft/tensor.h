// Tensor descriptions as the manifest declares them: a name, a dtype and a shape whose dims are
// either fixed integers or symbolic names resolved per run (batch, seq, past, total, ...).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "weft/dtype.h"

namespace weft {

struct Dim {
  std::int64_t value = -1;  // >= 0 when fixed
  std::string name;         // the manifest's name (kept for fixed dims from `dims` too)
  bool fixed() const { return value >= 0; }
  static Dim of(std::int64_t v) { return Dim{v, ""}; }
  static Dim symbol(const std::string& n) { return Dim{-1, n}; }
};

struct TensorDesc {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<Dim> shape;
};

// "[batch, heads, past, 24]" — for error messages.
std::string shapeString(const std::vector<Dim>& shape);
std::string shapeString(const std::vector<std::int64_t>& shape);
// Number of elements of a concrete shape (1 for a scalar).
std::int64_t elementCount(const std::vector<std::int64_t>& shape);

}  // namespace weft
