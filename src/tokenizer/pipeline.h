// The assembled tokenizer: what a tokenizer.json or a .model becomes (loaders fill it in).
#pragma once
#include "added.h"
#include "components.h"

namespace weft::tok {

struct Pipeline {
  struct Added {
    std::string content;
    std::int32_t id;
    bool special, normalized;
    AddedMatcher::Rules rules;
    std::string surface;  // what idToToken / decode give: the normalized content when normalized
  };
  std::vector<std::unique_ptr<Normalizer>> normalizers;
  std::unique_ptr<PreTokenizer> pre;  // null: the whole segment is one word
  std::unique_ptr<Model> model;
  std::vector<std::unique_ptr<Decoder>> decoders;  // empty: tokens joined with " "
  std::vector<Added> added;                        // split out of the text, leftmost-longest
  AddedMatcher rawAdded, normAdded;  // tokens matched in the raw text / in the normalized text
  std::unordered_map<std::int32_t, std::size_t> addedById;
  Ids prefix, suffix;  // the post-processor's special tokens around a single sequence
  // A pair of sequences: the post-processor's pieces in order (special ids, $A or $B) with their
  // type ids; pairPlain without special tokens. No post-processor: $A with type 0, $B with type 1.
  struct PairPiece {
    int sequence;  // -1: the special ids; 0: $A; 1: $B
    Ids ids;
    std::int32_t typeId;
  };
  std::vector<PairPiece> pair{{0, {}, 0}, {1, {}, 1}}, pairPlain{{0, {}, 0}, {1, {}, 1}};
  std::int32_t padId = -1;
  std::size_t maxLength = 0, padLength = 0;
  // sentencepiece .model: its own decoding rules
  bool sentencepiece = false, spDummyPrefix = true, spRemoveExtraWhitespaces = true;
  std::vector<std::uint8_t> spTypes;
  std::string spUnkSurface = " \xE2\x81\x87 ";

  void addToken(std::string content, std::int32_t id, bool special, bool normalized = false,
                AddedMatcher::Rules rules = {}) {
    if (content.empty()) fail("added token " + std::to_string(id) + " has empty content");
    addedById[id] = added.size();
    added.push_back({content, id, special, normalized, rules, content});
  }
  // Builds the matchers once the normalizers are known (a normalized token's content is
  // normalized first, as Hugging Face does).
  void buildAddedMatchers();
};

// Appends the model ids of one sanitized text (no post-processor specials).
void encodeText(const Pipeline& p, std::string_view text, Ids& out);

std::unique_ptr<Pipeline> loadTokenizerJson(std::string_view text);
std::unique_ptr<Pipeline> loadSentencePiece(std::string_view bytes);
// sentencepiece's DecodeIds: control pieces vanish, unknown ones become the unk surface, runs of
// <0xNN> byte pieces are decoded as UTF-8 (U+FFFD per invalid byte), "▁" becomes " ".
std::string decodeSentencePiece(const Pipeline& p, const std::int32_t* ids, std::size_t n);

}  // namespace weft::tok
