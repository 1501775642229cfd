// Added-token matching: see added.h.
#include "added.h"

#include <algorithm>

#include "unicode.h"

namespace weft::tok {
namespace {

// Rust regex's \s (White_Space) and \w (Alphabetic, Mark, Nd, Pc, Join_Control).
bool isSpace(char32_t c) { return uni::flags(c) & uni::kWs; }
bool isWord(char32_t c) { return uni::flags(c) & uni::kWord; }
char32_t before(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && (static_cast<unsigned char>(s[j - 1]) & 0xC0) == 0x80) --j;
  if (j > 0) --j;
  return uni::next(s, j);
}

std::size_t spacesBefore(std::string_view s, std::size_t i) {  // start of the whitespace ending at i
  while (i > 0) {
    std::size_t j = i;
    while (j > 0 && (static_cast<unsigned char>(s[j - 1]) & 0xC0) == 0x80) --j;
    --j;
    std::size_t k = j;
    if (!isSpace(uni::next(s, k))) break;
    i = j;
  }
  return i;
}
std::size_t spacesAfter(std::string_view s, std::size_t i) {  // end of the whitespace starting at i
  while (i < s.size()) {
    std::size_t k = i;
    if (!isSpace(uni::next(s, k))) break;
    i = k;
  }
  return i;
}

}  // namespace

void AddedMatcher::add(std::string_view content, std::int32_t id, Rules r) {
  if (content.empty()) return;  // matches nothing
  trie_.insert(content, static_cast<std::int32_t>(tokens_.size()));
  tokens_.emplace_back(id, r);
  firstByte_[static_cast<unsigned char>(content[0])] = true;
}

void AddedMatcher::split(std::string_view s, std::vector<AddedSplit>& out) const {
  std::size_t offset = 0;  // end of what has been emitted
  for (std::size_t i = 0; i < s.size();) {
    if (!firstByte_[static_cast<unsigned char>(s[i])]) { ++i; continue; }
    std::size_t len = 0;
    std::int32_t k = -1;
    trie_.prefixes(s.substr(i), [&](std::size_t l, std::int32_t v) { len = l; k = v; });
    if (k < 0) { ++i; continue; }
    std::size_t start = i, stop = i + len;
    i = stop;  // the next match is searched after this one, kept or not
    const auto& [id, r] = tokens_[static_cast<std::size_t>(k)];
    if (r.singleWord) {
      std::size_t at = stop;
      if ((start > 0 && isWord(before(s, start))) || (stop < s.size() && isWord(uni::next(s, at)))) continue;
    }
    if (r.lstrip) start = std::max(spacesBefore(s, start), offset);
    if (r.rstrip) stop = spacesAfter(s, stop);
    if (offset < start) out.push_back({-1, offset, start});
    out.push_back({id, start, stop});
    offset = stop;
  }
  if (offset < s.size()) out.push_back({-1, offset, s.size()});
}

}  // namespace weft::tok
