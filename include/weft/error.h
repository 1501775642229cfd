// weft::Error — the one exception type the core throws on bad input.
// Every message starts with "weft: " so callers (and JS, via the bindings) can tell core errors
// apart from anything else; detail() keeps the message without the prefix so callers can add
// context ("decoder step 3: ...") without doubling it.
#pragma once
#include <stdexcept>
#include <string>

namespace weft {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& detail)
      : std::runtime_error("weft: " + detail), detail_(detail) {}
  const std::string& detail() const { return detail_; }

 private:
  std::string detail_;
};

}  // namespace weft
