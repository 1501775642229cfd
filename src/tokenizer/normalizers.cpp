// Normalizers: BERT's, SentencePiece's precompiled charsmap (with Hugging Face's per-grapheme
// semantics, and with sentencepiece's own longest-match semantics), Strip, Replace, Prepend.
#include <algorithm>
#include <cstring>

#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

bool isWs(char32_t c) { return uni::flags(c) & uni::kWs; }

// Charsmap replacements and user-defined pieces come from the file and may be invalid UTF-8;
// every later stage relies on valid UTF-8, so such output is repaired with the U+FFFD rule.
void keepValid(std::string& s) {
  std::string fixed;
  if (!uni::sanitize(s, fixed)) s.swap(fixed);
}

class BertNormalizer : public Normalizer {
 public:
  BertNormalizer(bool clean, bool chinese, bool strip, bool lower)
      : clean_(clean), chinese_(chinese), strip_(strip), lower_(lower) {}
  void apply(std::string& s) const override {
    std::string out;
    out.reserve(s.size() + 8);
    std::size_t i = 0;
    while (i < s.size()) {
      const char32_t c = uni::next(s, i);
      const std::uint32_t f = uni::flags(c);
      if (clean_) {
        // Controls go first (U+0085 is both Cc and White_Space: removed, as HF does).
        if (c == 0 || c == 0xFFFD) continue;
        if (c == '\t' || c == '\n' || c == '\r') { out += ' '; continue; }
        if (f & uni::kC) continue;
        if (f & uni::kWs) { out += ' '; continue; }
      }
      if (chinese_ && (f & uni::kCjk)) { out += ' '; uni::append(out, c); out += ' '; continue; }
      if (!strip_ && !lower_) { uni::append(out, c); continue; }
      emit(c, out);
    }
    s.swap(out);
  }

 private:
  // NFD (canonical reordering is not applied: marks are removed right after), drop Mn, lowercase.
  void emit(char32_t c, std::string& out) const {
    char32_t parts[8];
    std::size_t n = 0;
    if (strip_) n = uni::decompose(c, parts);
    else parts[n++] = c;
    for (std::size_t k = 0; k < n; ++k) {
      if (strip_ && (uni::flags(parts[k]) & uni::kMn)) continue;
      const char* l = lower_ ? uni::lower(parts[k]) : nullptr;
      if (l) out += l;
      else uni::append(out, parts[k]);
    }
  }
  bool clean_, chinese_, strip_, lower_;
};

// Hugging Face's Precompiled: a grapheme shorter than 6 bytes is replaced whole by the entry of
// its shortest matching prefix; otherwise (or without a match) each character is looked up alone.
class Precompiled : public Normalizer {
 public:
  explicit Precompiled(std::string blob) : map_(std::move(blob)) {}
  void apply(std::string& s) const override {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
      const std::size_t end = graphemeEnd(s, i);
      std::size_t len = 0;
      if (end - i < 6) {
        if (const char* r = map_.match(std::string_view(s).substr(i, end - i), false, &len)) {
          out += r;
          i = end;
          continue;
        }
      }
      while (i < end) {
        const std::size_t cl = uni::charLen(static_cast<unsigned char>(s[i]));
        if (const char* r = map_.match(std::string_view(s).substr(i, cl), false, &len)) out += r;
        else out.append(s, i, cl);
        i += cl;
      }
    }
    keepValid(out);
    s.swap(out);
  }

 private:
  // Extended grapheme clusters (UAX #29 rules GB3-GB5, GB9-GB9b, GB11). Hangul (GB6-8),
  // regional-indicator pairs (GB12/13) and Indic conjuncts (GB9c) only join clusters of 6 bytes
  // or more, which are processed per character anyway, so they are not needed here.
  static std::size_t graphemeEnd(const std::string& s, std::size_t i) {
    char32_t c = uni::next(s, i);
    std::uint32_t prev = uni::gcb(c);
    bool pict = prev & 8;  // ExtPict Extend* so far
    bool pictZwj = false;
    while (i < s.size()) {
      std::size_t j = i;
      const std::uint32_t g = uni::gcb(uni::next(s, j));
      const std::uint32_t pb = prev & 7, cb = g & 7;
      bool join;
      if (pb == uni::kCR && cb == uni::kLF) join = true;
      else if (pb == uni::kCR || pb == uni::kLF || pb == uni::kControl) join = false;
      else if (cb == uni::kCR || cb == uni::kLF || cb == uni::kControl) join = false;
      else if (cb == uni::kExtend || cb == uni::kZWJ || cb == uni::kSpacingMark || pb == uni::kPrepend) join = true;
      else join = pictZwj && (g & 8);
      if (!join) break;
      pictZwj = pict && cb == uni::kZWJ;
      pict = (pict && cb == uni::kExtend) || (g & 8);
      prev = g;
      i = j;
    }
    return i;
  }
  CharsMap map_;
};

// sentencepiece's Normalizer::Normalize: longest charsmap match at each position, user-defined
// symbols verbatim, optional whitespace squeezing, dummy prefix and "▁" escaping.
class SpNormalizer : public Normalizer {
 public:
  explicit SpNormalizer(SpNormalizerSpec spec) : spec_(std::move(spec)), map_(spec_.charsmap) {
    for (const auto& u : spec_.userDefined) user_.insert(u, 0);
  }
  void apply(std::string& s) const override {
    std::string out;
    out.reserve(s.size() + 8);
    std::string_view in(s);
    std::string piece;
    if (spec_.removeExtraWhitespaces) {
      while (!in.empty()) {
        const std::size_t n = prefix(in, piece);
        if (piece != " ") break;
        in.remove_prefix(n);
      }
    }
    if (in.empty()) { s.clear(); return; }
    const char* ws = spec_.escapeWhitespaces ? "\xE2\x96\x81" : " ";
    if (spec_.addDummyPrefix) out += ws;
    bool prevSpace = spec_.removeExtraWhitespaces;
    while (!in.empty()) {
      const std::size_t n = prefix(in, piece);
      std::string_view sp(piece);
      if (prevSpace) while (!sp.empty() && sp[0] == ' ') sp.remove_prefix(1);
      if (!sp.empty()) {
        for (char ch : sp) {
          if (ch == ' ' && spec_.escapeWhitespaces) out += ws;
          else out += ch;
        }
        prevSpace = sp.back() == ' ';
      }
      in.remove_prefix(n);
      if (!spec_.removeExtraWhitespaces) prevSpace = false;
    }
    if (spec_.removeExtraWhitespaces) {
      const std::string_view w(ws);
      while (out.size() >= w.size() && std::string_view(out).substr(out.size() - w.size()) == w)
        out.resize(out.size() - w.size());
    }
    keepValid(out);
    s.swap(out);
  }

 private:
  std::size_t prefix(std::string_view in, std::string& piece) const {
    std::size_t best = 0;  // the longest user-defined symbol that starts `in`
    user_.prefixes(in, [&](std::size_t n, std::int32_t) { best = n; });
    if (best) { piece.assign(in.substr(0, best)); return best; }
    std::size_t len = 0;
    if (const char* r = map_.match(in, true, &len)) { piece = r; return len; }
    // A user-defined piece may end inside a character: never step past the end.
    len = std::min(in.size(), uni::charLen(static_cast<unsigned char>(in[0])));
    piece.assign(in.substr(0, len));
    return len;
  }
  SpNormalizerSpec spec_;
  CharsMap map_;
  Trie user_;
};

class Strip : public Normalizer {
 public:
  Strip(bool l, bool r) : l_(l), r_(r) {}
  void apply(std::string& s) const override {
    std::size_t b = 0, e = s.size();
    if (l_) while (b < e) { std::size_t j = b; if (!isWs(uni::next(s, j))) break; b = j; }
    if (r_) while (e > b) {
      std::size_t k = e - 1;
      while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
      std::size_t j = k;
      if (!isWs(uni::next(s, j))) break;
      e = k;
    }
    s = s.substr(b, e - b);
  }

 private:
  bool l_, r_;
};

// Replace: a literal pattern, or a regex of the one shape tokenizer.json files use here:
// "<char>{n,}" (runs of at least n of one character).
class Replace : public Normalizer {
 public:
  Replace(std::string pattern, bool regex, std::string content) : content_(std::move(content)) {
    if (!regex) { literal_ = std::move(pattern); if (literal_.empty()) fail("Replace: empty pattern"); return; }
    const auto brace = pattern.find('{');
    if (brace == std::string::npos || pattern.size() < brace + 3 || pattern.compare(pattern.size() - 2, 2, ",}") ||
        uni::charLen(static_cast<unsigned char>(pattern[0])) != brace)
      fail("Replace: unsupported regex '" + pattern + "' (only \"<char>{n,}\" is supported)");
    literal_ = pattern.substr(0, brace);
    // The count must be plain digits (std::stoul would throw, or accept "+3" and " 3").
    const std::string count = pattern.substr(brace + 1, pattern.size() - brace - 3);
    if (count.empty() || count.size() > 6 || count.find_first_not_of("0123456789") != std::string::npos)
      fail("Replace: unsupported regex '" + pattern + "' (the run length must be a number)");
    minRun_ = std::stoul(count);
    if (minRun_ == 0) fail("Replace: unsupported regex '" + pattern + "'");
  }
  void apply(std::string& s) const override {
    if (s.find(literal_) == std::string::npos) return;
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
      const std::size_t p = s.find(literal_, i);
      if (p == std::string::npos) { out.append(s, i, std::string::npos); break; }
      out.append(s, i, p - i);
      std::size_t run = 0, e = p;
      while (s.compare(e, literal_.size(), literal_) == 0) { ++run; e += literal_.size(); if (!minRun_) break; }
      if (run >= std::max<std::size_t>(minRun_, 1)) out += content_;
      else out.append(s, p, e - p);
      i = e;
    }
    s.swap(out);
  }

 private:
  std::string literal_, content_;
  std::size_t minRun_ = 0;  // 0: literal replacement of each occurrence
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string p) : p_(std::move(p)) {}
  void apply(std::string& s) const override { if (!s.empty()) s.insert(0, p_); }

 private:
  std::string p_;
};

class Lowercase : public Normalizer {
 public:
  void apply(std::string& s) const override {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
      const char32_t c = uni::next(s, i);
      if (const char* l = uni::lower(c)) out += l;
      else uni::append(out, c);
    }
    s.swap(out);
  }
};

}  // namespace

CharsMap::CharsMap(std::string blob) : blob_(std::move(blob)) {
  if (blob_.empty()) return;
  if (blob_.size() < 4) fail("precompiled charsmap: truncated (" + std::to_string(blob_.size()) + " bytes)");
  std::uint32_t trieBytes;
  std::memcpy(&trieBytes, blob_.data(), 4);  // little-endian, as both WASM and x86 are
  if (trieBytes % 4 || trieBytes == 0 || trieBytes > blob_.size() - 4)
    fail("precompiled charsmap: trie size " + std::to_string(trieBytes) + " does not fit in " +
         std::to_string(blob_.size()) + " bytes");
  // Copy the units to aligned storage at the front (the blob's offset 4 is aligned already).
  units_ = reinterpret_cast<const std::uint32_t*>(blob_.data() + 4);
  nUnits_ = trieBytes / 4;
  strings_ = std::string_view(blob_).substr(4 + trieBytes);
}

const char* CharsMap::match(std::string_view s, bool longest, std::size_t* len) const {
  if (!nUnits_) return nullptr;
  // darts-clone: offset = (u >> 10) << ((u & 0x200) >> 6); label = u & 0x800000FF; leaf = (u >> 8) & 1.
  auto offset = [](std::uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); };
  std::size_t pos = offset(units_[0]);
  const char* found = nullptr;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    pos ^= b;
    if (pos >= nUnits_) return found;
    const std::uint32_t u = units_[pos];
    if ((u & 0x800000FFu) != b) return found;
    pos ^= offset(u);
    if (pos >= nUnits_) return found;
    if ((u >> 8) & 1) {
      const std::uint32_t v = units_[pos] & 0x7FFFFFFFu;
      if (v >= strings_.size()) fail("precompiled charsmap: replacement offset out of range");
      found = strings_.data() + v;
      *len = i + 1;
      if (!longest) return found;
    }
  }
  return found;
}

std::unique_ptr<Normalizer> makeBertNormalizer(bool c, bool z, bool s, bool l) {
  return std::make_unique<BertNormalizer>(c, z, s, l);
}
std::unique_ptr<Normalizer> makePrecompiled(std::string m) { return std::make_unique<Precompiled>(std::move(m)); }
std::unique_ptr<Normalizer> makeSpNormalizer(SpNormalizerSpec s) { return std::make_unique<SpNormalizer>(std::move(s)); }
std::unique_ptr<Normalizer> makeStrip(bool l, bool r) { return std::make_unique<Strip>(l, r); }
std::unique_ptr<Normalizer> makeReplace(std::string p, bool re, std::string c) {
  return std::make_unique<Replace>(std::move(p), re, std::move(c));
}
std::unique_ptr<Normalizer> makePrepend(std::string p) { return std::make_unique<Prepend>(std::move(p)); }
std::unique_ptr<Normalizer> makeLowercase() { return std::make_unique<Lowercase>(); }

}  // namespace weft::tok
