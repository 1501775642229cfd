// The Split pre-tokenizer (Hugging Face pre_tokenizers::Split): a pattern's matches cut a word,
// and the behavior says what becomes of them. String patterns match literally. Regex patterns
// are not run by a general engine: the ones that tokenizer.json files ship are compiled by hand
// here (as the GPT-2 one in pretokenizers.cpp), and any other is refused with its text.
#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+ — LLaMA-3's pattern; Qwen2's is the same with \p{N} for \p{N}{1,3}.
const char* const kLlama3 =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const char* const kQwen2 =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

struct Cp { char32_t c; std::uint32_t f; std::size_t end; };
Cp at(const std::string& s, std::size_t i) {
  std::size_t j = i;
  const char32_t c = uni::next(s, j);
  return {c, uni::flags(c), j};
}
bool isNl(char32_t c) { return c == '\r' || c == '\n'; }

// The contraction alternative, case-insensitive as Oniguruma folds (U+017F folds to 's').
std::size_t contraction(const std::string& s, std::size_t i) {
  if (s[i] != '\'' || i + 1 >= s.size()) return 0;
  const Cp a = at(s, i + 1);
  const char32_t x = a.c == 0x17F ? 's' : (a.c < 128 ? char32_t(std::tolower(int(a.c))) : a.c);
  if (x == 's' || x == 't' || x == 'm' || x == 'd') return a.end;
  if (a.end >= s.size()) return 0;
  const char32_t y = s[a.end] < 0 ? 0 : char32_t(std::tolower(s[a.end]));
  if ((x == 'r' && y == 'e') || (x == 'v' && y == 'e') || (x == 'l' && y == 'l')) return a.end + 1;
  return 0;
}

std::size_t whitespace(const std::string& s, std::size_t i) {  // the three \s alternatives
  std::size_t e = i, lastNl = std::string::npos, last = i;
  while (e < s.size()) {
    const Cp c = at(s, e);
    if (!(c.f & uni::kWs)) break;
    if (isNl(c.c)) lastNl = e;
    last = e;
    e = c.end;
  }
  if (lastNl != std::string::npos) return lastNl + 1;  // \s*[\r\n]+ (the run's last newline)
  if (e == s.size() || last == i) return e;             // \s+(?!\S) to the end, else \s+
  return last;                                          // \s+(?!\S): all but the last
}

std::size_t llamaMatch(const std::string& s, std::size_t i, std::size_t maxDigits) {
  if (const std::size_t e = contraction(s, i)) return e;
  const Cp c = at(s, i);
  constexpr std::uint32_t kLN = uni::kL | uni::kN;
  std::size_t e = c.end;
  if (!(c.f & kLN) && !isNl(c.c) && e < s.size() && (at(s, e).f & uni::kL)) e = at(s, e).end;
  if ((c.f & uni::kL) || e != c.end) {  // [^\r\n\p{L}\p{N}]?\p{L}+
    while (e < s.size() && (at(s, e).f & uni::kL)) e = at(s, e).end;
    return e;
  }
  if (c.f & uni::kN) {
    for (std::size_t k = 1; k < maxDigits && e < s.size() && (at(s, e).f & uni::kN); ++k) e = at(s, e).end;
    return e;
  }
  std::size_t j = i;  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  if (s[j] == ' ' && j + 1 < s.size() && !(at(s, j + 1).f & (kLN | uni::kWs))) ++j;
  if (!(at(s, j).f & (kLN | uni::kWs))) {
    while (j < s.size() && !(at(s, j).f & (kLN | uni::kWs))) j = at(s, j).end;
    while (j < s.size() && isNl(static_cast<unsigned char>(s[j]))) ++j;
    return j;
  }
  return whitespace(s, i);
}

enum Behavior { kRemoved, kIsolated, kMergedPrev, kMergedNext, kContiguous };

class SplitPre : public PreTokenizer {
 public:
  SplitPre(std::string pattern, bool regex, int behavior, bool invert)
      : lit_(std::move(pattern)), behavior_(behavior), invert_(invert) {
    if (regex) {
      if (lit_ == kLlama3) digits_ = 3;
      else if (lit_ == kQwen2) digits_ = 1;
      else fail("Split pre-tokenizer: unsupported regex pattern '" + lit_ + "' (supported: LLaMA-3's and Qwen2's)");
    } else if (lit_.empty()) {
      fail("Split pre-tokenizer: empty string pattern");
    }
  }
  void split(const std::string& s, std::vector<std::string>& words) const override;

 private:
  void matches(const std::string& s, std::vector<std::pair<std::size_t, bool>>& cuts) const;
  std::string lit_;
  std::size_t digits_ = 0;  // 0: literal pattern
  int behavior_;
  bool invert_;
};

// The text as consecutive pieces [cuts[k-1].first, cuts[k].first), each a match or not.
void SplitPre::matches(const std::string& s, std::vector<std::pair<std::size_t, bool>>& cuts) const {
  std::size_t prev = 0;
  auto piece = [&](std::size_t a, std::size_t b) {
    if (a > prev) cuts.emplace_back(a, invert_);
    cuts.emplace_back(b, !invert_);
    prev = b;
  };
  if (digits_) {
    for (std::size_t i = 0; i < s.size();) { const std::size_t e = llamaMatch(s, i, digits_); piece(i, e); i = e; }
  } else {
    for (std::size_t p = s.find(lit_); p != std::string::npos; p = s.find(lit_, p + lit_.size())) piece(p, p + lit_.size());
  }
  if (prev < s.size()) cuts.emplace_back(s.size(), invert_);
}

void SplitPre::split(const std::string& s, std::vector<std::string>& words) const {
  std::vector<std::pair<std::size_t, bool>> cuts;
  matches(s, cuts);
  std::vector<std::pair<std::size_t, std::size_t>> out;  // [start, end) of each word
  std::size_t start = 0;
  bool prevMatch = false;
  for (const auto& [end, isMatch] : cuts) {
    const bool merge = !out.empty() && ((behavior_ == kMergedPrev && isMatch && !prevMatch) ||
                                        (behavior_ == kContiguous && isMatch == prevMatch) ||
                                        (behavior_ == kMergedNext && prevMatch && !isMatch));
    if (behavior_ == kRemoved && isMatch) {}
    else if (merge) out.back().second = end;
    else out.emplace_back(start, end);
    prevMatch = isMatch;
    start = end;
  }
  for (const auto& [a, b] : out)
    if (b > a) words.emplace_back(s, a, b - a);
}

}  // namespace

std::unique_ptr<PreTokenizer> makeSplitPre(std::string pattern, bool regex, const std::string& behavior, bool invert) {
  const char* names[] = {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"};
  for (int b = 0; b < 5; ++b)
    if (behavior == names[b]) return std::make_unique<SplitPre>(std::move(pattern), regex, b, invert);
  fail("Split pre-tokenizer: unknown behavior '" + behavior + "'");
}

}  // namespace weft::tok
