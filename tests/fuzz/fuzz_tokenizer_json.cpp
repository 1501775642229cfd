// libFuzzer: any bytes given to Tokenizer::fromJson either load or throw weft::Error; a loaded
// tokenizer encodes and decodes a fixed text, and encodes a pair, without crashing.
#include <cstdint>
#include <string>
#include <vector>

#include "weft/error.h"
#include "weft/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto t = weft::Tokenizer::fromJson(std::string(reinterpret_cast<const char*>(data), size));
    const auto ids = t->encode("Hello wörld  \t<s> 😀 [CLS] e\xCC\x81 \xFF", true);
    t->decode(ids, true);
    t->decode(ids, false);
    std::vector<std::int32_t> pair, typeIds;
    t->encodePair("A\xCC\x8A b <s>", " c\xE2\x80\x99" "d  \xE2\x96\x81", true, pair, typeIds);
  } catch (const weft::Error&) {
  }
  return 0;
}
