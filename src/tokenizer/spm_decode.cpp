// sentencepiece's decoding of ids (SentencePieceProcessor::Decode): control pieces vanish, unknown
// pieces become the unk surface, every other piece has "▁" replaced by " ". Runs of byte pieces
// (<0xNN>) are joined and read as UTF-8 one character at a time, each byte that starts no valid
// character (overlong forms and surrogates included) becoming U+FFFD. A leading "▁" is dropped
// while nothing has been written yet (remove_extra_whitespaces), or once (add_dummy_prefix alone).
#include "pipeline.h"

namespace weft::tok {
namespace {

constexpr const char* kSpace = "\xE2\x96\x81";

bool trail(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 character at s[0] (sentencepiece's DecodeUTF8 rules), 0 when invalid.
std::size_t validChar(std::string_view s) {
  const auto c = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const std::size_t n = s.size();
  if (c(0) < 0x80) return 1;
  std::uint32_t cp = 0;
  std::size_t len = 0;
  if (n >= 2 && (c(0) & 0xE0) == 0xC0 && trail(c(1))) { cp = ((c(0) & 0x1Fu) << 6) | (c(1) & 0x3Fu); len = cp >= 0x80 ? 2 : 0; }
  else if (n >= 3 && (c(0) & 0xF0) == 0xE0 && trail(c(1)) && trail(c(2))) {
    cp = ((c(0) & 0x0Fu) << 12) | ((c(1) & 0x3Fu) << 6) | (c(2) & 0x3Fu);
    len = cp >= 0x800 ? 3 : 0;
  } else if (n >= 4 && (c(0) & 0xF8) == 0xF0 && trail(c(1)) && trail(c(2)) && trail(c(3))) {
    cp = ((c(0) & 0x07u) << 18) | ((c(1) & 0x3Fu) << 12) | ((c(2) & 0x3Fu) << 6) | (c(3) & 0x3Fu);
    len = cp >= 0x10000 ? 4 : 0;
  }
  const bool ok = cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
  return ok ? len : 0;
}

void flushBytes(std::string& bytes, std::string& out) {
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t len = validChar(std::string_view(bytes).substr(at));
    if (len) out.append(bytes, at, len);
    else out += "\xEF\xBF\xBD";
    at += len ? len : 1;
  }
  bytes.clear();
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "<0xNN>" → NN; -1 for any other spelling.
int pieceByte(const std::string& p) {
  if (p.size() != 6 || p.compare(0, 3, "<0x") != 0 || p[5] != '>') return -1;
  const int hi = hexDigit(p[3]), lo = hexDigit(p[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

std::string decodeSentencePiece(const Pipeline& p, const std::int32_t* ids, std::size_t n) {
  std::string out, bytes;
  bool isBosWs = true, bosWsSeen = false;
  const bool strip = p.spDummyPrefix || p.spRemoveExtraWhitespaces;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string* piece = p.model->idToToken(ids[i]);
    if (!piece) fail("id " + std::to_string(ids[i]) + " is outside the vocabulary (size " + std::to_string(p.model->size()) + ")");
    const std::uint8_t t = p.spTypes[ids[i]];
    if (t == 6 && pieceByte(*piece) >= 0) { bytes += static_cast<char>(pieceByte(*piece)); continue; }
    flushBytes(bytes, out);
    if (bosWsSeen || !out.empty()) isBosWs = false;
    bosWsSeen = false;
    if (t == 3) continue;
    if (t == 2) { out += p.spUnkSurface; continue; }
    std::string_view v(*piece);
    if (isBosWs && strip && v.compare(0, 3, kSpace) == 0) {
      v.remove_prefix(3);
      bosWsSeen = !p.spRemoveExtraWhitespaces;
    }
    for (std::size_t k = 0; k < v.size();) {
      if (v.compare(k, 3, kSpace) == 0) { out += ' '; k += 3; }
      else out += v[k++];
    }
  }
  flushBytes(bytes, out);
  return out;
}

}  // namespace weft::tok
