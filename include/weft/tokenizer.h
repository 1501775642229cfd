// weft::Tokenizer — text ↔ token ids, loaded from in-memory blobs: a Hugging Face tokenizer.json
// or a SentencePiece .model (protobuf). Models: byte-level BPE (GPT-2), SentencePiece-style BPE
// with byte fallback (Llama / Mistral; from tokenizer.json or the .model), Unigram (T5 / ALBERT),
// WordPiece (BERT).
//
// Input text is UTF-8; invalid UTF-8 is defined, not an error: each maximal ill-formed subpart
// becomes U+FFFD first (what JS TextDecoder and Python's errors="replace" produce), so encoding
// bytes equals encoding their TextDecoder string.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

namespace tok { struct Pipeline; }

class Tokenizer {
 public:
  // The most UTF-8 bytes one text may have (256 MiB); encode refuses a longer one with an error
  // naming both sizes (checkInputSize).
  static constexpr std::size_t kMaxInputBytes = std::size_t(256) << 20;
  static void checkInputSize(std::size_t bytes);

  static std::unique_ptr<Tokenizer> fromJson(std::string_view tokenizerJson);
  static std::unique_ptr<Tokenizer> fromSentencePiece(std::string_view modelProto);
  // Either format, told apart by looksLikeJson (the one check every loader uses).
  static std::unique_ptr<Tokenizer> fromBytes(std::string_view bytes);
  // After an optional UTF-8 BOM and JSON whitespace, '{' and then (after whitespace) '"' or '}'.
  // A .model (protobuf) starts with a field tag (0x0A) and a length, so it never passes both.
  static bool looksLikeJson(std::string_view bytes);
  ~Tokenizer();

  // Appends the ids of text to out (post-processor specials when addSpecialTokens), then
  // applies truncation and padding.
  void encode(std::string_view text, bool addSpecialTokens, std::vector<std::int32_t>& out) const;
  std::vector<std::int32_t> encode(std::string_view text, bool addSpecialTokens = true) const;
  // A pair of texts as the post-processor joins them (BERT: [CLS] a [SEP] b [SEP]), with the type
  // id of every position in typeIds (0 for a's part, 1 for b's as the file says). Truncation cuts
  // the longer text first (Hugging Face's longest_first); padding uses type id 0.
  void encodePair(std::string_view a, std::string_view b, bool addSpecialTokens, std::vector<std::int32_t>& ids,
                  std::vector<std::int32_t>& typeIds) const;
  std::vector<std::vector<std::int32_t>> encodeBatch(const std::vector<std::string>& texts,
                                                     bool addSpecialTokens = true) const;
  std::string decode(const std::int32_t* ids, std::size_t n, bool skipSpecialTokens) const;
  std::string decode(const std::vector<std::int32_t>& ids, bool skipSpecialTokens = true) const {
    return decode(ids.data(), ids.size(), skipSpecialTokens);
  }

  std::int32_t tokenToId(std::string_view token) const;  // -1 when absent
  std::string idToToken(std::int32_t id) const;          // throws when out of range
  std::size_t vocabSize() const;
  bool isSpecial(std::int32_t id) const;

  // maxLength 0 disables truncation; padLength 0 disables padding (pads on the right with padId,
  // which defaults to the file's pad token, else 0). Truncation keeps the special tokens.
  void setTruncation(std::size_t maxLength);
  void setPadding(std::size_t padLength, std::int32_t padId = -1);
  std::string infoJson() const;  // {"model": "BPE"|..., "vocab_size": N, "pad_id": N, ...}

 private:
  explicit Tokenizer(std::unique_ptr<tok::Pipeline> p);
  std::unique_ptr<tok::Pipeline> p_;
};

}  // namespace weft
