#include "weft/tensor.h"

namespace weft {

std::string shapeString(const std::vector<Dim>& shape) {
  std::string r = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) r += ", ";
    r += shape[i].fixed() ? std::to_string(shape[i].value) : shape[i].name;
  }
  return r + "]";
}

std::string shapeString(const std::vector<std::int64_t>& shape) {
  std::string r = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) r += ", ";
    r += std::to_string(shape[i]);
  }
  return r + "]";
}

std::int64_t elementCount(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

}  // namespace weft
