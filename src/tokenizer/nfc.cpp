// Unicode NFC (Hugging Face's `NFC` normalizer, used by Qwen2 / Qwen3): canonical decomposition,
// canonical ordering, canonical composition (UAX #15), from the generated tables. Text is cut
// before every code point NFC can neither change nor combine with what precedes it
// (uni::kNfcBoundary); only the runs between such cuts that hold other code points are rebuilt,
// so text that is already NFC (nearly all) is copied once.
#include <algorithm>

#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

std::uint32_t ccc(char32_t c) { return uni::nfcInfo(c) & 0xFF; }

// NFC of one run that starts at a boundary (or at the text's start).
void composeRun(std::string_view run, std::u32string& buf, std::string& out) {
  buf.clear();
  char32_t parts[8];
  for (std::size_t i = 0; i < run.size();) {
    const std::size_t n = uni::decompose(uni::next(run, i), parts);
    buf.append(parts, n);
  }
  // Canonical ordering: a stable sort of each run of non-starters by combining class.
  for (std::size_t i = 0; i < buf.size();) {
    std::size_t j = i;
    while (j < buf.size() && ccc(buf[j]) != 0) ++j;
    std::stable_sort(buf.begin() + static_cast<std::ptrdiff_t>(i), buf.begin() + static_cast<std::ptrdiff_t>(j),
                     [](char32_t a, char32_t b) { return ccc(a) < ccc(b); });
    i = j == i ? i + 1 : j;
  }
  // Canonical composition: each character joins the last starter unless blocked (a character
  // between them with a class that is 0 or not lower than its own).
  std::size_t starter = std::u32string::npos, kept = 0;
  std::uint32_t lastClass = 0;
  for (std::size_t i = 0; i < buf.size(); ++i) {
    const char32_t c = buf[i];
    const std::uint32_t cc = ccc(c);
    const bool blocked = starter == std::u32string::npos || (kept > starter + 1 && (lastClass == 0 || lastClass >= cc));
    if (!blocked) {
      if (const char32_t composite = uni::compose(buf[starter], c)) {
        buf[starter] = composite;
        continue;
      }
    }
    if (cc == 0) starter = kept;
    lastClass = cc;
    buf[kept++] = c;
  }
  for (std::size_t i = 0; i < kept; ++i) uni::append(out, buf[i]);
}

class Nfc : public Normalizer {
 public:
  void apply(std::string& s) const override {
    std::size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0xCC) ++i;  // below U+0300: boundaries
    if (i == s.size()) return;
    if (i > 0) --i;  // the character before may combine with what follows
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    std::string out(s, 0, i);
    std::u32string buf;
    std::size_t runStart = i;
    bool dirty = false;
    while (i < s.size()) {
      const std::size_t at = i;
      const bool boundary = uni::nfcInfo(uni::next(s, i)) & uni::kNfcBoundary;
      if (!boundary) { dirty = true; continue; }
      flush(std::string_view(s).substr(runStart, at - runStart), dirty, buf, out);
      runStart = at;
      dirty = false;
    }
    flush(std::string_view(s).substr(runStart), dirty, buf, out);
    s.swap(out);
  }

 private:
  static void flush(std::string_view run, bool dirty, std::u32string& buf, std::string& out) {
    if (dirty) composeRun(run, buf, out);
    else out.append(run);
  }
};

}  // namespace

std::unique_ptr<Normalizer> makeNfc() { return std::make_unique<Nfc>(); }

}  // namespace weft::tok
