#include "json_util.h"

#include <cmath>

#include "weft/error.h"

namespace weft {
namespace json_util {

Json parse(const std::string& text, const std::string& what, int maxDepth) {
  try {
    if (maxDepth > 0)
      return Json::parse(text, [&](int depth, Json::parse_event_t event, Json&) {
        if (depth >= maxDepth && (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start))
          throw Error(what + ": nested deeper than " + std::to_string(maxDepth) + " levels (budgets.json_depth)");
        return true;
      });
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's message has its own "[json.exception...]" prefix; keep the useful part.
    std::string m = e.what();
    const auto p = m.find("] ");
    if (p != std::string::npos) m = m.substr(p + 2);
    throw Error(what + ": invalid JSON: " + m);
  }
}

std::string show(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string num(double v) { return Json(v).dump(); }

void fail(const std::string& prefix, const std::string& path, const std::string& msg) {
  throw Error(prefix + (path.empty() ? "" : path + ": ") + msg);
}

std::string key(const std::string& path, const std::string& k) {
  return path.empty() ? k : path + "." + k;
}

std::string index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

const Json& require(const Json& obj, const std::string& k, const std::string& prefix,
                    const std::string& path) {
  expectObject(obj, prefix, path);
  auto it = obj.find(k);
  if (it == obj.end()) fail(prefix, key(path, k), "missing required field");
  return *it;
}

void expectObject(const Json& v, const std::string& prefix, const std::string& path) {
  if (!v.is_object()) fail(prefix, path, "expected an object but got " + show(v));
}

void expectArray(const Json& v, const std::string& prefix, const std::string& path) {
  if (!v.is_array()) fail(prefix, path, "expected an array but got " + show(v));
}

std::string asString(const Json& v, const std::string& prefix, const std::string& path) {
  if (!v.is_string()) fail(prefix, path, "expected a string but got " + show(v));
  return v.get<std::string>();
}

std::int64_t asInt(const Json& v, const std::string& prefix, const std::string& path) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      fail(prefix, path, "integer out of range: " + show(v));
    return v.get<std::int64_t>();
  }
  // JS writes 3.0 as 3, but other writers may not: accept floats that hold an integer.
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0)
      return static_cast<std::int64_t>(d);
  }
  fail(prefix, path, "expected an integer but got " + show(v));
}

double asNumber(const Json& v, const std::string& prefix, const std::string& path) {
  if (!v.is_number()) fail(prefix, path, "expected a number but got " + show(v));
  return v.get<double>();
}

bool asBool(const Json& v, const std::string& prefix, const std::string& path) {
  if (!v.is_boolean()) fail(prefix, path, "expected true or false but got " + show(v));
  return v.get<bool>();
}

DType asDType(const Json& v, const std::string& prefix, const std::string& path) {
  DType t;
  if (!v.is_string() || !parseDType(v.get<std::string>(), &t))
    fail(prefix, path, "expected one of " + dtypeList() + " but got " + show(v));
  return t;
}

// SAMPLING.md: the seed is any integer taken modulo 2^64. Decimal digits accumulate with uint64
// wrap-around, which is exactly reduction modulo 2^64; a leading '-' negates modulo 2^64.
std::uint64_t parseSeedString(const std::string& s, const std::string& prefix,
                              const std::string& path) {
  const bool neg = !s.empty() && s[0] == '-';
  const std::size_t start = neg ? 1 : 0;
  if (s.size() == start) fail(prefix, path, "expected a decimal integer but got \"" + s + "\"");
  std::uint64_t r = 0;
  for (std::size_t i = start; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') fail(prefix, path, "expected a decimal integer but got \"" + s + "\"");
    r = r * 10u + static_cast<std::uint64_t>(s[i] - '0');
  }
  return neg ? ~r + 1u : r;
}

std::uint64_t asSeed(const Json& v, const std::string& prefix, const std::string& path) {
  if (v.is_string()) return parseSeedString(v.get<std::string>(), prefix, path);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());  // two's complement = mod 2^64
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d) {
      double m = std::fmod(d, 18446744073709551616.0);  // exact for doubles
      if (m < 0) m += 18446744073709551616.0;
      return m >= 18446744073709551616.0 ? 0 : static_cast<std::uint64_t>(m);
    }
  }
  fail(prefix, path, "expected an integer or a decimal string but got " + show(v));
}

}  // namespace json_util
}  // namespace weft
