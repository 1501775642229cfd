#include "weft/dtype.h"

#include <cstdint>
#include <cstring>

namespace weft {

namespace {
struct Entry {
  DType type;
  const char* name;
  std::size_t size;
};
const Entry kTypes[] = {
    {DType::Float32, "float32", 4}, {DType::Float16, "float16", 2}, {DType::Int64, "int64", 8},
    {DType::Int32, "int32", 4},     {DType::Int8, "int8", 1},       {DType::Uint8, "uint8", 1},
    {DType::Bool, "bool", 1},
};
}  // namespace

const char* dtypeName(DType t) {
  for (const Entry& e : kTypes)
    if (e.type == t) return e.name;
  return "?";
}

std::size_t dtypeSize(DType t) {
  for (const Entry& e : kTypes)
    if (e.type == t) return e.size;
  return 0;
}

bool parseDType(const std::string& s, DType* out) {
  for (const Entry& e : kTypes) {
    if (s == e.name) {
      *out = e.type;
      return true;
    }
  }
  return false;
}

std::string dtypeList() {
  std::string r;
  for (const Entry& e : kTypes) {
    if (!r.empty()) r += ", ";
    r += e.name;
  }
  return r;
}

unsigned short floatToHalf(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const std::uint32_t absx = x & 0x7FFFFFFFu;
  if (absx >= 0x7F800000u)  // Inf or NaN (keep NaN quiet)
    return static_cast<unsigned short>(sign | 0x7C00u | (absx > 0x7F800000u ? 0x200u : 0u));
  if (absx >= 0x477FF000u) return static_cast<unsigned short>(sign | 0x7C00u);  // overflow
  const int exp = static_cast<int>(absx >> 23) - 127;
  std::uint32_t mant = (absx & 0x7FFFFFu) | 0x800000u;
  int shift;  // how many low bits of the 24-bit significand are dropped
  std::uint32_t hexp;
  if (exp < -14) {  // subnormal half (or zero)
    shift = 13 + (-14 - exp);
    if (shift > 24) return static_cast<unsigned short>(sign);
    hexp = 0;
  } else {
    shift = 13;
    hexp = static_cast<std::uint32_t>(exp + 15);
    mant &= 0x7FFFFFu;
    mant |= 0x800000u;
  }
  std::uint32_t q = mant >> shift;
  const std::uint32_t rem = mant & ((1u << shift) - 1u);
  const std::uint32_t half = 1u << (shift - 1);
  if (rem > half || (rem == half && (q & 1u))) ++q;  // round to nearest even
  std::uint32_t h;
  if (hexp == 0) {
    h = q;  // may carry into the exponent field: that is the correct smallest normal
  } else {
    h = (hexp << 10) + (q - 0x400u);  // q includes the implicit bit (0x400..0x800)
  }
  return static_cast<unsigned short>(sign | h);
}

float halfToFloat(unsigned short h) {
  const std::uint32_t sign = (h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1Fu;
  const std::uint32_t mant = h & 0x3FFu;
  std::uint32_t x;
  if (exp == 0x1F) {
    x = sign | 0x7F800000u | (mant << 13);
  } else if (exp != 0) {
    x = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    x = sign;
  } else {  // subnormal: value = mant * 2^-24
    float v = static_cast<float>(mant) * (1.0f / 16777216.0f);
    std::memcpy(&x, &v, 4);
    x |= sign;
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

}  // namespace weft
