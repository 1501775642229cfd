// The assembled tokenizer: what a tokenizer.json or a .model becomes (loaders fill it in).
#pragma once
#include "components.h"

namespace weft::tok {

struct Pipeline {
  struct Added { std::string content; std::int32_t id; bool special; };
  std::vector<std::unique_ptr<Normalizer>> normalizers;
  std::unique_ptr<PreTokenizer> pre;  // null: the whole segment is one word
  std::unique_ptr<Model> model;
  std::vector<std::unique_ptr<Decoder>> decoders;  // empty: tokens joined with " "
  std::vector<Added> added;                        // split out of the raw text, leftmost-longest
  std::unordered_map<std::int32_t, std::size_t> addedById;
  Ids prefix, suffix;  // the post-processor's special tokens around a single sequence
  std::int32_t padId = -1;
  std::size_t maxLength = 0, padLength = 0;
  // sentencepiece .model: its own decoding rules
  bool sentencepiece = false, spDummyPrefix = true, spRemoveExtraWhitespaces = true;
  std::vector<std::uint8_t> spTypes;
  std::string spUnkSurface = " \xE2\x81\x87 ";

  bool addedFirstByte[256] = {};  // quick rejection while scanning for added tokens

  void addToken(std::string content, std::int32_t id, bool special) {
    if (content.empty()) fail("added token " + std::to_string(id) + " has empty content");
    addedFirstByte[static_cast<unsigned char>(content[0])] = true;
    addedById[id] = added.size();
    added.push_back({std::move(content), id, special});
  }
};

std::unique_ptr<Pipeline> loadTokenizerJson(std::string_view text);
std::unique_ptr<Pipeline> loadSentencePiece(std::string_view bytes);
// sentencepiece's DecodeIds: control pieces vanish, unknown ones become the unk surface, runs of
// <0xNN> byte pieces are decoded as UTF-8 (U+FFFD per invalid byte), "▁" becomes " ".
std::string decodeSentencePiece(const Pipeline& p, const std::int32_t* ids, std::size_t n);

}  // namespace weft::tok
