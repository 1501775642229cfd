// The tokenizer pipeline's parts (one interface per stage, as in Hugging Face tokenizer.json):
// normalizers edit a segment's text, the pre-tokenizer cuts it into words, the model maps a word
// to ids, decoders turn tokens back into text. Everything works on valid UTF-8 (the input is
// sanitized first), without offsets.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "weft/error.h"
#include "trie.h"

namespace weft::tok {

using Ids = std::vector<std::int32_t>;

[[noreturn]] inline void fail(const std::string& msg) { throw weft::Error("tokenizer: " + msg); }

struct Normalizer {
  virtual ~Normalizer() = default;
  virtual void apply(std::string& s) const = 0;
};
struct PreTokenizer {
  virtual ~PreTokenizer() = default;
  virtual void split(const std::string& s, std::vector<std::string>& words) const = 0;
};
struct Model {
  virtual ~Model() = default;
  virtual void encodeWord(std::string_view word, Ids& out) const = 0;
  virtual std::int32_t tokenToId(std::string_view t) const = 0;  // -1 when absent
  virtual const std::string* idToToken(std::int32_t id) const = 0;
  virtual std::size_t size() const = 0;
  virtual const char* type() const = 0;
};
struct Decoder {
  virtual ~Decoder() = default;
  virtual void apply(std::vector<std::string>& tokens) const = 0;
};

// A SentencePiece precompiled charsmap (darts-clone double array + NUL-terminated replacements).
class CharsMap {
 public:
  explicit CharsMap(std::string blob);
  // Replacement for the shortest (first) or longest key that prefixes s; length matched in *len.
  const char* match(std::string_view s, bool longest, std::size_t* len) const;

 private:
  std::string blob_;
  const std::uint32_t* units_ = nullptr;
  std::size_t nUnits_ = 0;
  std::string_view strings_;
};

struct SpNormalizerSpec {
  std::string charsmap;  // may be empty (identity)
  bool addDummyPrefix = true, removeExtraWhitespaces = true, escapeWhitespaces = true;
  std::vector<std::string> userDefined;  // kept verbatim
};

// Factories (normalizers.cpp, pretokenizers.cpp, models.cpp, unigram.cpp, decoders.cpp).
std::unique_ptr<Normalizer> makeBertNormalizer(bool clean, bool chinese, bool strip, bool lower);
std::unique_ptr<Normalizer> makePrecompiled(std::string charsmap);  // HF grapheme semantics
std::unique_ptr<Normalizer> makeSpNormalizer(SpNormalizerSpec spec);  // sentencepiece semantics
std::unique_ptr<Normalizer> makeStrip(bool left, bool right);
std::unique_ptr<Normalizer> makeReplace(std::string pattern, bool regex, std::string content);
std::unique_ptr<Normalizer> makePrepend(std::string prefix);
std::unique_ptr<Normalizer> makeLowercase();
std::unique_ptr<Normalizer> makeNfc();  // Unicode NFC (nfc.cpp)

std::unique_ptr<PreTokenizer> makeByteLevelPre(bool addPrefixSpace, bool useRegex);
std::unique_ptr<PreTokenizer> makeBertPre();
std::unique_ptr<PreTokenizer> makeWhitespaceSplit();
std::unique_ptr<PreTokenizer> makeMetaspacePre(std::string replacement, int prependScheme, bool split);
// Hugging Face Split: behavior Removed / Isolated / MergedWithPrevious / MergedWithNext / Contiguous.
std::unique_ptr<PreTokenizer> makeSplitPre(std::string pattern, bool regex, const std::string& behavior, bool invert);
std::unique_ptr<PreTokenizer> makeSequencePre(std::vector<std::unique_ptr<PreTokenizer>> parts);

struct BpeSpec {
  std::vector<std::string> vocab;  // id → token
  std::vector<std::pair<std::string, std::string>> merges;
  std::string unk;  // empty: none
  bool fuseUnk = false, byteFallback = false, ignoreMerges = false;
  std::string continuingPrefix, endOfWordSuffix;
};
std::unique_ptr<Model> makeBpe(BpeSpec spec);
std::unique_ptr<Model> makeWordPiece(std::vector<std::string> vocab, std::string unk, std::string prefix,
                                     std::size_t maxChars);
struct UnigramSpec {
  std::vector<std::pair<std::string, double>> vocab;
  std::int32_t unk = -1;
  bool byteFallback = false;
  bool sentencepiece = false;            // float arithmetic and piece types as sentencepiece does
  std::vector<std::uint8_t> pieceTypes;  // sentencepiece: 1 normal, 2 unknown, 3 control, 4 user, 5 unused, 6 byte
};
std::unique_ptr<Model> makeUnigram(UnigramSpec spec);
std::unique_ptr<Model> makeSentencePieceBpe(UnigramSpec spec);  // sentencepiece's score-ordered BPE

// ByteLevel pre-tokenizer helpers (byte ↔ printable code point of GPT-2).
const std::string& byteToUnicode(unsigned char b);
std::unique_ptr<Decoder> makeByteLevelDecoder();
std::unique_ptr<Decoder> makeWordPieceDecoder(std::string prefix, bool cleanup);
std::unique_ptr<Decoder> makeMetaspaceDecoder(std::string replacement, bool stripFirst);
std::unique_ptr<Decoder> makeReplaceDecoder(std::string pattern, std::string content);
std::unique_ptr<Decoder> makeByteFallbackDecoder();
std::unique_ptr<Decoder> makeFuseDecoder();
std::unique_ptr<Decoder> makeStripDecoder(std::string content, std::size_t start, std::size_t stop);

}  // namespace weft::tok

namespace weft::tok {
void setFirstSegment(bool first);  // Metaspace "first" scheme: is this the text's first segment?
}
