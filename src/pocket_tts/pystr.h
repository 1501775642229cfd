// Python str operations on code points, for the Pocket TTS text front end (text.cpp,
// text_chunks.cpp): the whitespace, case and digit classes are CPython's (tokenizer/unicode.h).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "tokenizer/unicode.h"

namespace weft::pocket_tts::pystr {

using U32 = std::u32string;

inline bool isSpace(char32_t c) { return tok::uni::pyFlags(c) & tok::uni::kPySpace; }
inline bool isUpper(char32_t c) { return tok::uni::pyFlags(c) & tok::uni::kPyUpper; }
inline bool isDigit(char32_t c) { return tok::uni::pyFlags(c) & tok::uni::kPyDigit; }

// UTF-8 (invalid sequences become U+FFFD) to code points, and back.
U32 fromUtf8(std::string_view utf8);
std::string toUtf8(const U32& s);

U32 strip(const U32& s);                     // s.strip()
std::string strip(std::string_view utf8);    // s.strip() on valid UTF-8
std::size_t wordCount(const U32& s);         // len(s.split())
U32 joinWords(const U32& s);                 // " ".join(s.split())
U32 replace(const U32& s, const U32& from, const U32& to);  // s.replace(from, to), from not empty
U32 upper(char32_t c);                       // c.upper()

}  // namespace weft::pocket_tts::pystr
