#include "unicode.h"

#include <algorithm>
#include <array>

namespace weft::tok::uni {
namespace {
struct Mapping {
  std::uint32_t cp;
  const char* utf8;
};
#include "unicode_tables.inc"

template <std::size_t N>
std::uint32_t rangeLookup(const std::uint32_t (&t)[N][2], char32_t c) {
  std::size_t lo = 0, hi = N;  // last range whose start <= c
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    (t[mid][0] <= c ? lo : hi) = mid;
  }
  return t[lo][1];
}

template <std::size_t N>
const char* mapLookup(const Mapping (&t)[N], char32_t c) {
  const auto it = std::lower_bound(t, t + N, c, [](const Mapping& m, char32_t v) { return m.cp < v; });
  return it != t + N && it->cp == c ? it->utf8 : nullptr;
}

// The ASCII / Latin-1 range is hit by nearly every character: a flat table avoids the search.
const std::array<std::uint8_t, 256> kLatin1 = [] {
  std::array<std::uint8_t, 256> a{};
  for (char32_t c = 0; c < 256; ++c) a[c] = static_cast<std::uint8_t>(rangeLookup(kFlagRanges, c));
  return a;
}();
const std::array<std::uint8_t, 256> kPyLatin1 = [] {
  std::array<std::uint8_t, 256> a{};
  for (char32_t c = 0; c < 256; ++c) a[c] = static_cast<std::uint8_t>(rangeLookup(kPyRanges, c));
  return a;
}();
}  // namespace

std::uint32_t flags(char32_t c) { return c < 256 ? kLatin1[c] : rangeLookup(kFlagRanges, c); }
std::uint32_t gcb(char32_t c) { return rangeLookup(kGcbRanges, c); }
const char* lower(char32_t c) { return mapLookup(kLower, c); }
const char* nfd(char32_t c) { return mapLookup(kNfd, c); }

std::size_t decompose(char32_t c, char32_t (&parts)[8]) {
  std::size_t n = 0;
  if (c >= 0xAC00 && c <= 0xD7A3) {  // Hangul syllable: algorithmic (L V [T])
    const char32_t k = c - 0xAC00;
    parts[n++] = 0x1100 + k / 588;
    parts[n++] = 0x1161 + (k % 588) / 28;
    if (k % 28) parts[n++] = 0x11A7 + k % 28;
  } else if (const char* d = nfd(c)) {
    const std::string_view v(d);
    for (std::size_t j = 0; j < v.size() && n < 8;) parts[n++] = next(v, j);
  } else {
    parts[n++] = c;
  }
  return n;
}

std::uint32_t nfcInfo(char32_t c) { return c < 0x300 ? kNfcBoundary : rangeLookup(kNfcRanges, c); }

char32_t compose(char32_t a, char32_t b) {
  if (a >= 0x1100 && a < 0x1113 && b >= 0x1161 && b < 0x1176)  // Hangul L + V
    return 0xAC00 + ((a - 0x1100) * 21 + (b - 0x1161)) * 28;
  if (a >= 0xAC00 && a <= 0xD7A3 && (a - 0xAC00) % 28 == 0 && b > 0x11A7 && b < 0x11C3)  // LV + T
    return a + (b - 0x11A7);
  const auto* end = kCompose + std::size(kCompose);
  const auto* it = std::lower_bound(kCompose, end, std::make_pair(a, b), [](const std::uint32_t (&e)[3], const std::pair<char32_t, char32_t>& k) {
    return e[0] != k.first ? e[0] < k.first : e[1] < k.second;
  });
  return it != end && (*it)[0] == a && (*it)[1] == b ? (*it)[2] : 0;
}
std::uint32_t pyFlags(char32_t c) { return c < 256 ? kPyLatin1[c] : rangeLookup(kPyRanges, c); }
const char* upper(char32_t c) { return mapLookup(kUpper, c); }

void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool sanitize(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  bool valid = true;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) { out += static_cast<char>(b); ++i; continue; }
    // Expected length and the allowed range of the second byte (Unicode Table 3-7).
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b == 0xE0) { len = 3; lo = 0xA0; }
    else if (b >= 0xE1 && b <= 0xEC) len = 3;
    else if (b == 0xED) { len = 3; hi = 0x9F; }
    else if (b >= 0xEE && b <= 0xEF) len = 3;
    else if (b == 0xF0) { len = 4; lo = 0x90; }
    else if (b >= 0xF1 && b <= 0xF3) len = 4;
    else if (b == 0xF4) { len = 4; hi = 0x8F; }
    std::size_t k = 1;  // bytes of the (possibly truncated) sequence that are well-formed so far
    if (len) {
      for (; k < len && i + k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) break;
      }
    }
    if (len && k == len) {
      out.append(s.data() + i, len);
    } else {
      out += "\xEF\xBF\xBD";  // one U+FFFD per maximal subpart
      valid = false;
    }
    i += k;
  }
  return valid;
}

}  // namespace weft::tok::uni
