// libFuzzer: any bytes given to Tokenizer::fromJson either load or throw weft::Error; a loaded
// tokenizer encodes and decodes a fixed text without crashing.
#include <cstdint>
#include <string>

#include "weft/error.h"
#include "weft/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto t = weft::Tokenizer::fromJson(std::string(reinterpret_cast<const char*>(data), size));
    const auto ids = t->encode("Hello wörld  \t<s> 😀 [CLS] e\xCC\x81 \xFF", true);
    t->decode(ids, true);
    t->decode(ids, false);
  } catch (const weft::Error&) {
  }
  return 0;
}
