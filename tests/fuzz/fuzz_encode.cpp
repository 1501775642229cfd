// libFuzzer: arbitrary bytes through encode → decode on the five real tokenizers (loaded once
// from build/models/tokenizers). Nothing may throw: invalid UTF-8 is defined, not an error.
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "weft/tokenizer.h"

namespace {
std::vector<std::unique_ptr<weft::Tokenizer>> tokenizers;

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  if (!f.good() && s.str().empty()) { fprintf(stderr, "missing %s\n", p.c_str()); abort(); }
  return s.str();
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string dir = std::string(WEFT_SOURCE_DIR) + "/build/models/tokenizers/";
  for (const char* n : {"gpt2.json", "mistral.json", "bert.json", "t5.json"})
    tokenizers.push_back(weft::Tokenizer::fromJson(slurp(dir + n)));
  tokenizers.push_back(weft::Tokenizer::fromSentencePiece(slurp(dir + "albert.model")));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& t : tokenizers) {
    const auto ids = t->encode(text, true);
    t->decode(ids, true);
    t->decode(ids, false);
  }
  return 0;
}
