// Internal helpers for reading JSON with errors that name the JSON path of the bad value,
// e.g. "weft.json: components.decoder.inputs[2].dtype: expected a string but got 3".
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "weft/dtype.h"

namespace weft {

using Json = nlohmann::ordered_json;

namespace json_util {

// Parses text; a syntax error becomes weft::Error("<what>: invalid JSON: ..."). maxDepth > 0
// refuses objects and arrays nested deeper than that (untrusted input).
Json parse(const std::string& text, const std::string& what, int maxDepth = 0);
// Short rendering of a value for messages (strings quoted, long values cut).
std::string show(const Json& v);
// Shortest round-trip rendering of a double ("-1.0", "0.25") for messages.
std::string num(double v);
[[noreturn]] void fail(const std::string& prefix, const std::string& path, const std::string& msg);

std::string key(const std::string& path, const std::string& k);  // "a.b" / "b" at the root
std::string index(const std::string& path, std::size_t i);       // "a[3]"

// Each helper throws with `prefix + path` on a missing or wrongly typed value.
const Json& require(const Json& obj, const std::string& k, const std::string& prefix,
                    const std::string& path);
void expectObject(const Json& v, const std::string& prefix, const std::string& path);
void expectArray(const Json& v, const std::string& prefix, const std::string& path);
std::string asString(const Json& v, const std::string& prefix, const std::string& path);
std::int64_t asInt(const Json& v, const std::string& prefix, const std::string& path);
double asNumber(const Json& v, const std::string& prefix, const std::string& path);
bool asBool(const Json& v, const std::string& prefix, const std::string& path);
DType asDType(const Json& v, const std::string& prefix, const std::string& path);
// A seed: any integer (JSON number or decimal string, for values JS numbers cannot hold), taken
// modulo 2^64 as SAMPLING.md specifies.
std::uint64_t asSeed(const Json& v, const std::string& prefix, const std::string& path);
std::uint64_t parseSeedString(const std::string& s, const std::string& prefix,
                              const std::string& path);

}  // namespace json_util
}  // namespace weft
