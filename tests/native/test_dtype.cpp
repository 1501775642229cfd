#include <doctest/doctest.h>

#include "weft/dtype.h"

TEST_CASE("dtype names are onnxruntime-web's") {
  weft::DType t;
  for (const char* n : {"float32", "float16", "int64", "int32", "int8", "uint8", "bool"}) {
    REQUIRE(weft::parseDType(n, &t));
    CHECK(std::string(weft::dtypeName(t)) == n);
  }
  CHECK_FALSE(weft::parseDType("float64", &t));
  CHECK_FALSE(weft::parseDType("int", &t));
  CHECK(weft::dtypeSize(weft::DType::Int64) == 8);
  CHECK(weft::dtypeSize(weft::DType::Float16) == 2);
  CHECK(weft::dtypeSize(weft::DType::Bool) == 1);
}

TEST_CASE("float16 conversion (IEEE binary16 bit patterns)") {
  CHECK(weft::floatToHalf(1.0f) == 0x3C00);
  CHECK(weft::floatToHalf(-2.0f) == 0xC000);
  CHECK(weft::floatToHalf(65504.0f) == 0x7BFF);        // largest finite half
  CHECK(weft::floatToHalf(1e6f) == 0x7C00);            // overflow -> +Inf
  CHECK(weft::floatToHalf(5.9604645e-8f) == 0x0001);   // smallest subnormal, 2^-24
  CHECK(weft::floatToHalf(1.0f + 1.0f / 2048) == 0x3C00);  // halfway: ties to even
  CHECK(weft::floatToHalf(1.0f + 3.0f / 2048) == 0x3C02);  // halfway: ties to even (up)
  CHECK(weft::halfToFloat(0x3555) == doctest::Approx(0.33325195f));
  CHECK(weft::halfToFloat(0x0001) == 5.9604645e-8f);
}
