// libFuzzer: arbitrary bytes through encode → decode, and cut in two through encodePair, on real
// tokenizers (loaded once from build/models/tokenizers). Nothing may throw: invalid UTF-8 is
// defined, not an error.
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
  for (const char* n : {"gpt2.json", "mistral.json", "bert.json", "t5.json", "qwen3.json", "gpt2_roberta.json"})
    tokenizers.push_back(weft::Tokenizer::fromJson(slurp(dir + n)));
  tokenizers.push_back(weft::Tokenizer::fromSentencePiece(slurp(dir + "albert.model")));
  // Split (every behavior, the LLaMA-3 pattern) and added tokens with every matching rule.
  const std::string llama3 = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+)";
  std::string pre;
  for (const char* b : {"Isolated", "MergedWithNext", "MergedWithPrevious", "Contiguous", "Removed"})
    pre += std::string(pre.empty() ? "" : ",") + R"({"type":"Split","pattern":{"String":"a"},"behavior":")" + b + R"(","invert":)" +
           (pre.size() % 2 ? "true}" : "false}");
  tokenizers.push_back(weft::Tokenizer::fromJson(
      R"({"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"[UNK]":3},"merges":["a b"],"unk_token":"[UNK]"},)"
      R"("normalizer":{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Lowercase"}]},"pre_tokenizer":{"type":"Sequence","pretokenizers":[)"
      R"({"type":"Split","pattern":{"Regex":")" + llama3 + R"("},"behavior":"Isolated"},)" + pre + R"(]},"added_tokens":[)"
      R"({"id":4,"content":"<x>","special":true,"lstrip":true,"rstrip":true,"single_word":false,"normalized":false},)"
      R"({"id":5,"content":"ab","special":false,"lstrip":true,"rstrip":true,"single_word":true,"normalized":true},)"
      R"({"id":6,"content":"B ","special":false,"lstrip":false,"rstrip":true,"single_word":false,"normalized":true}]})"));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::int32_t> ids, typeIds;
  for (const auto& t : tokenizers) {
    ids = t->encode(text, true);
    t->decode(ids, true);
    t->decode(ids, false);
    t->encodePair(text.substr(0, size / 2), text.substr(size / 2), true, ids, typeIds);
    if (ids.size() != typeIds.size()) abort();
  }
  return 0;
}
