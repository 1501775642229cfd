#include "weft/budgets.h"

#include <algorithm>
#include <climits>

#include "json_util.h"
#include "weft/error.h"
#include "weft/tensor.h"

namespace weft {

namespace ju = json_util;

Budgets Budgets::parse(const std::string& text) {
  Budgets b;
  if (text.empty()) return b;
  const Json j = ju::parse(text, "budgets");
  ju::expectObject(j, "", "budgets");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string p = ju::key("budgets", it.key());
    const std::int64_t v = ju::asInt(it.value(), "", p);
    if (v < 1) ju::fail("", p, "must be >= 1 but got " + std::to_string(v));
    if (it.key() == "manifest_bytes") b.manifestBytes = v;
    else if (it.key() == "tensor_elements") b.tensorElements = v;
    else if (it.key() == "json_depth") b.jsonDepth = static_cast<int>(std::min<std::int64_t>(v, 10000));
    else ju::fail("", p, "unknown budget (budgets: manifest_bytes, tensor_elements, json_depth)");
  }
  return b;
}

void Budgets::checkElements(const std::string& what, const std::vector<std::int64_t>& shape) const {
  // A saturating product: a hostile shape must not overflow into a small number.
  std::int64_t n = 1;
  bool over = false;
  for (std::int64_t d : shape) {
    const std::int64_t x = d < 0 ? 1 : d;
    if (x != 0 && n > INT64_MAX / x) over = true;  // the true count does not even fit
    else n *= x;
    if (x == 0) return;
  }
  if (!over && n <= tensorElements) return;
  throw Error(what + " " + shapeString(shape) + " holds " + (over ? "more than " + std::to_string(INT64_MAX) : std::to_string(n)) +
              " elements, over the budget of " + std::to_string(tensorElements) + " (budgets.tensor_elements)");
}

}  // namespace weft
