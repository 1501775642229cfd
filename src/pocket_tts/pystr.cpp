#include "pystr.h"

namespace weft::pocket_tts::pystr {

U32 fromUtf8(std::string_view utf8) {
  std::string valid;
  tok::uni::sanitize(utf8, valid);
  U32 out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size();) out += tok::uni::next(valid, i);
  return out;
}

std::string toUtf8(const U32& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) tok::uni::append(out, c);
  return out;
}

U32 strip(const U32& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && isSpace(s[a])) ++a;
  while (b > a && isSpace(s[b - 1])) --b;
  return s.substr(a, b - a);
}

std::string strip(std::string_view s) {
  std::size_t a = 0;
  while (a < s.size()) {
    std::size_t i = a;
    if (!isSpace(tok::uni::next(s, i))) break;
    a = i;
  }
  std::size_t b = s.size();
  while (b > a) {
    std::size_t start = b - 1;
    while (start > a && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t i = start;
    if (!isSpace(tok::uni::next(s, i))) break;
    b = start;
  }
  return std::string(s.substr(a, b - a));
}

std::size_t wordCount(const U32& s) {
  std::size_t n = 0;
  bool inWord = false;
  for (char32_t c : s) {
    const bool space = isSpace(c);
    if (!space && !inWord) ++n;
    inWord = !space;
  }
  return n;
}

U32 joinWords(const U32& s) {
  U32 out;
  out.reserve(s.size());
  bool pendingSpace = false;
  for (char32_t c : s) {
    if (isSpace(c)) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out += U' ';
    pendingSpace = false;
    out += c;
  }
  return out;
}

U32 replace(const U32& s, const U32& from, const U32& to) {
  U32 out;
  out.reserve(s.size());
  std::size_t at = 0;
  for (std::size_t hit = s.find(from); hit != U32::npos; hit = s.find(from, at)) {
    out.append(s, at, hit - at);
    out += to;
    at = hit + from.size();
  }
  out.append(s, at, U32::npos);
  return out;
}

U32 upper(char32_t c) {
  const char* u = tok::uni::upper(c);
  return u ? fromUtf8(u) : U32(1, c);
}

}  // namespace weft::pocket_tts::pystr
