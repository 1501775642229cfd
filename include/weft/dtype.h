// Element types of tensors, spelled exactly as onnxruntime-web spells them (Tensor.type), so the
// manifest, the plans and ORT's session metadata all use the same strings.
#pragma once
#include <cstddef>
#include <string>

namespace weft {

enum class DType { Float32, Float16, Int64, Int32, Int8, Uint8, Bool };

// "float32", "float16", "int64", "int32", "int8", "uint8", "bool".
const char* dtypeName(DType t);
// Bytes per element (bool is one byte, as in ORT).
std::size_t dtypeSize(DType t);
// Returns false for any other spelling (including ORT types Weft does not handle, e.g. "string").
bool parseDType(const std::string& s, DType* out);
// "float32, float16, int64, int32, int8, uint8, bool" — used in error messages.
std::string dtypeList();

// IEEE-754 binary16 <-> float32 (round to nearest even); only used for constants and tests.
unsigned short floatToHalf(float f);
float halfToFloat(unsigned short h);

}  // namespace weft
