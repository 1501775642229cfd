// Added tokens (Hugging Face AddedVocabulary): split out of the text before the model sees it.
// Matching is a byte trie walked from each position (leftmost-longest, non-overlapping, as the
// aho-corasick automaton Hugging Face builds), so a text costs at most (its length × the longest
// token's length) steps however many tokens there are; bytes that start no token are skipped by a
// 256-entry table. lstrip / rstrip / single_word follow added_vocabulary.rs.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "components.h"

namespace weft::tok {

struct AddedSplit {
  std::int32_t id;  // -1: text for the model
  std::size_t start, stop;
};

class AddedMatcher {
 public:
  struct Rules { bool lstrip = false, rstrip = false, singleWord = false; };
  void add(std::string_view content, std::int32_t id, Rules r);
  bool empty() const { return tokens_.empty(); }
  // Cuts s into token and text pieces (text pieces are never empty); appends them to out.
  void split(std::string_view s, std::vector<AddedSplit>& out) const;

 private:
  Trie trie_;  // content → index in tokens_
  std::vector<std::pair<std::int32_t, Rules>> tokens_;
  bool firstByte_[256] = {};
};

}  // namespace weft::tok
