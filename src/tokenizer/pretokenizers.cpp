// Pre-tokenizers: GPT-2 byte-level (its regex, hand-compiled), BERT, whitespace, Metaspace.
#include <array>

#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

constexpr std::uint32_t kL = uni::kL, kN = uni::kN, kWs = uni::kWs;

const std::array<std::string, 256>& byteTable() {
  static const std::array<std::string, 256> t = [] {
    std::array<std::string, 256> a;
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      uni::append(a[b], printable ? char32_t(b) : char32_t(256 + extra++));
    }
    return a;
  }();
  return t;
}

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Returns the end of the match starting at i (s is valid UTF-8, i < s.size()).
std::size_t gpt2Match(const std::string& s, std::size_t i) {
  const std::size_t n = s.size();
  auto cls = [&](std::size_t p, std::size_t* after) {
    std::size_t j = p;
    const std::uint32_t f = uni::flags(uni::next(s, j));
    if (after) *after = j;
    return f & (kL | kN | kWs) ? (f & kL ? kL : f & kN ? kN : kWs) : 0u;
  };
  if (s[i] == '\'' && i + 1 < n) {
    const char a = s[i + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
    if (i + 2 < n) {
      const char b = s[i + 2];
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
    }
  }
  std::size_t j = i;
  if (s[i] == ' ' && i + 1 < n && cls(i + 1, nullptr) != kWs) j = i + 1;  // the optional space
  std::size_t after;
  const std::uint32_t c0 = cls(j, &after);
  if (c0 != kWs) {
    std::size_t e = after;
    while (e < n) {
      std::size_t a2;
      if (cls(e, &a2) != c0) break;
      e = a2;
    }
    return e;
  }
  // Whitespace run: all of it at the end of the text, else all but its last character.
  std::size_t e = after, last = i;
  while (e < n) {
    std::size_t a2;
    if (cls(e, &a2) != kWs) break;
    last = e;
    e = a2;
  }
  if (e == n || last == i) return e;
  return last;
}

class ByteLevelPre : public PreTokenizer {
 public:
  ByteLevelPre(bool prefix, bool regex) : prefix_(prefix), regex_(regex) {}
  void split(const std::string& in, std::vector<std::string>& words) const override {
    const std::string* sp = &in;
    std::string tmp;
    if (prefix_ && !in.empty() && in[0] != ' ') { tmp = " " + in; sp = &tmp; }
    const std::string& s = *sp;
    const auto& t = byteTable();
    auto emit = [&](std::size_t a, std::size_t b) {
      std::string w;
      w.reserve((b - a) * 2);
      for (std::size_t k = a; k < b; ++k) w += t[static_cast<unsigned char>(s[k])];
      words.push_back(std::move(w));
    };
    if (!regex_) { if (!s.empty()) emit(0, s.size()); return; }
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t e = gpt2Match(s, i);
      emit(i, e);
      i = e;
    }
  }

 private:
  bool prefix_, regex_;
};

bool bertPunct(char32_t c) {
  if (c < 128) return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
  return uni::flags(c) & uni::kP;
}

// Splits on whitespace (dropped) and isolates punctuation (BertPreTokenizer); punctuation off
// gives WhitespaceSplit.
class BertPre : public PreTokenizer {
 public:
  explicit BertPre(bool punct) : punct_(punct) {}
  void split(const std::string& s, std::vector<std::string>& words) const override {
    std::size_t start = 0, i = 0;
    while (i < s.size()) {
      const std::size_t at = i;
      const char32_t c = uni::next(s, i);
      if (uni::flags(c) & kWs) {
        if (at > start) words.emplace_back(s, start, at - start);
        start = i;
      } else if (punct_ && bertPunct(c)) {
        if (at > start) words.emplace_back(s, start, at - start);
        words.emplace_back(s, at, i - at);
        start = i;
      }
    }
    if (s.size() > start) words.emplace_back(s, start, s.size() - start);
  }

 private:
  bool punct_;
};

// Metaspace: spaces become the replacement, which is prepended (scheme 0 always, 1 first,
// 2 never) and starts every word (split "merged with next").
class MetaspacePre : public PreTokenizer {
 public:
  MetaspacePre(std::string r, int scheme, bool split) : r_(std::move(r)), scheme_(scheme), split_(split) {
    if (r_.empty()) fail("Metaspace pre-tokenizer: empty replacement");  // splitting on it would never advance
  }
  void split(const std::string& in, std::vector<std::string>& words) const override {
    std::string s;
    s.reserve(in.size() + r_.size());
    for (char c : in) {
      if (c == ' ') s += r_;
      else s += c;
    }
    // "first" applies only to the first segment of the text: the caller passes each segment,
    // so the pipeline tells us via firstSegment_ (set per call through a thread-local).
    if (!s.empty() && s.compare(0, r_.size(), r_) != 0 && (scheme_ == 0 || (scheme_ == 1 && firstSegment)))
      s.insert(0, r_);
    if (!split_) { if (!s.empty()) words.push_back(std::move(s)); return; }
    std::size_t start = 0;
    for (std::size_t p = s.find(r_, 1); p != std::string::npos; p = s.find(r_, p + r_.size())) {
      if (p > start) words.emplace_back(s, start, p - start);
      start = p;
    }
    if (s.size() > start) words.emplace_back(s, start, s.size() - start);
  }
  static thread_local bool firstSegment;

 private:
  std::string r_;
  int scheme_;
  bool split_;
};
thread_local bool MetaspacePre::firstSegment = true;

class SequencePre : public PreTokenizer {
 public:
  explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> p) : parts_(std::move(p)) {}
  void split(const std::string& s, std::vector<std::string>& words) const override {
    std::vector<std::string> cur{s}, next;
    for (const auto& p : parts_) {
      next.clear();
      for (const auto& w : cur) p->split(w, next);
      cur.swap(next);
    }
    for (auto& w : cur) words.push_back(std::move(w));
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

}  // namespace

void setFirstSegment(bool first) { MetaspacePre::firstSegment = first; }
const std::string& byteToUnicode(unsigned char b) { return byteTable()[b]; }
std::unique_ptr<PreTokenizer> makeByteLevelPre(bool p, bool r) { return std::make_unique<ByteLevelPre>(p, r); }
std::unique_ptr<PreTokenizer> makeBertPre() { return std::make_unique<BertPre>(true); }
std::unique_ptr<PreTokenizer> makeWhitespaceSplit() { return std::make_unique<BertPre>(false); }
std::unique_ptr<PreTokenizer> makeMetaspacePre(std::string r, int scheme, bool split) {
  return std::make_unique<MetaspacePre>(std::move(r), scheme, split);
}
std::unique_ptr<PreTokenizer> makeSequencePre(std::vector<std::unique_ptr<PreTokenizer>> p) {
  return std::make_unique<SequencePre>(std::move(p));
}

}  // namespace weft::tok
