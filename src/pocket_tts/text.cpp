// Pocket TTS text rules and prepare_text_prompt (see include/weft/pocket_tts/text.h).
#include "weft/pocket_tts/text.h"

#include <map>

#include "json_util.h"
#include "pystr.h"
#include "weft/error.h"

namespace weft::pocket_tts {

namespace ju = json_util;
using pystr::U32;

namespace {

const U32 kTerminal = U".!?\u2026";
const U32 kWeak = U",;:-\u2013\u2014";
const U32 kClosers = U"\"'\u201d\u2019)]\u00bb";
constexpr std::size_t kPadSpaces = 8;
constexpr std::size_t kShortWords = 4;  // this many words or fewer: the longer EOS guess

bool in(const U32& set, char32_t c) { return set.find(c) != U32::npos; }

using Table = std::map<char32_t, U32>;

char32_t translateKey(const std::string& key, const std::string& where) {
  const U32 k = pystr::fromUtf8(key);
  if (k.size() != 1)
    throw Error(where + "keys of replace_characters must be one character but got \"" + key + "\"");
  return k[0];
}

Table translationTable(const TextRules& rules) {
  Table t;
  for (const auto& [key, value] : rules.replaceCharacters)
    t[translateKey(key, "pocket_tts: ")] = pystr::fromUtf8(value);
  return t;
}

void checkSize(std::size_t codePoints) {
  // Each code point is at least one UTF-8 byte: more code points than the limit is over it.
  if (codePoints > Tokenizer::kMaxInputBytes) Tokenizer::checkInputSize(codePoints);
}

U32 translate(const U32& s, const Table& t) {
  U32 out;
  out.reserve(s.size());
  for (char32_t c : s) {
    const auto it = t.find(c);
    if (it == t.end()) out += c;
    else out += it->second;
    checkSize(out.size());
  }
  return out;
}

// re.sub(r"([.!?\u2026])\s*[,;:]", r"\1", s): scanning left to right, a sentence mark followed
// (after any whitespace) by , ; or : keeps only the mark.
U32 dropMarkAfterSentenceEnd(const U32& s) {
  static const U32 kMarks = U",;:";
  U32 out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (!in(kTerminal, s[i])) continue;
    std::size_t j = i + 1;
    while (j < s.size() && pystr::isSpace(s[j])) ++j;
    if (j < s.size() && in(kMarks, s[j])) i = j;
  }
  return out;
}

// _ensure_terminal_punctuation.
U32 ensureTerminalPunctuation(const U32& s) {
  std::size_t coreLen = s.size();
  while (coreLen > 0 && (s[coreLen - 1] == U' ' || in(kClosers, s[coreLen - 1]))) --coreLen;
  if (coreLen == 0 || in(kTerminal, s[coreLen - 1])) return s;
  if (!in(kWeak, s[coreLen - 1])) return s + U".";
  const U32 closers = pystr::strip(s.substr(coreLen));
  std::size_t keep = coreLen;
  while (keep > 0 && (s[keep - 1] == U' ' || in(kWeak, s[keep - 1]))) --keep;
  return s.substr(0, keep) + U"." + closers;
}

void readBool(const nlohmann::ordered_json& j, const char* key, bool& out, const std::string& path,
              const std::string& prefix) {
  if (const auto it = j.find(key); it != j.end()) out = ju::asBool(*it, prefix, ju::key(path, key));
}

void readReplacements(const nlohmann::ordered_json& v, TextRules& r, const std::string& path,
                      const std::string& prefix) {
  ju::expectObject(v, prefix, path);
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string p = ju::key(path, it.key());
    if (pystr::fromUtf8(it.key()).size() != 1) ju::fail(prefix, p, "a key of replace_characters must be one character");
    r.replaceCharacters.emplace_back(it.key(), ju::asString(it.value(), prefix, p));
  }
}

}  // namespace

TextRules TextRules::fromJson(const nlohmann::ordered_json& j, const std::string& path,
                              const std::string& prefix) {
  static const char* const kKeys[] = {"pad_with_spaces_for_short_inputs", "remove_semicolons",
                                      "append_terminal_punctuation", "capitalize_first_letter",
                                      "replace_characters"};
  ju::expectObject(j, prefix, path);
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKeys) known |= it.key() == k;
    if (!known)
      ju::fail(prefix, ju::key(path, it.key()),
               "unknown key (known keys: pad_with_spaces_for_short_inputs, remove_semicolons, "
               "append_terminal_punctuation, capitalize_first_letter, replace_characters)");
  }
  TextRules r;
  readBool(j, kKeys[0], r.padWithSpacesForShortInputs, path, prefix);
  readBool(j, kKeys[1], r.removeSemicolons, path, prefix);
  readBool(j, kKeys[2], r.appendTerminalPunctuation, path, prefix);
  readBool(j, kKeys[3], r.capitalizeFirstLetter, path, prefix);
  if (const auto it = j.find(kKeys[4]); it != j.end()) readReplacements(*it, r, ju::key(path, kKeys[4]), prefix);
  return r;
}

PreparedText prepareTextPrompt(std::string_view raw, const TextRules& rules) {
  Tokenizer::checkInputSize(raw.size());
  U32 s = pystr::strip(pystr::fromUtf8(raw));
  if (!rules.replaceCharacters.empty())
    s = dropMarkAfterSentenceEnd(pystr::joinWords(translate(s, translationTable(rules))));
  if (s.empty()) throw Error("pocket_tts: text is empty (nothing to say after normalization)");
  s = pystr::replace(pystr::replace(pystr::replace(s, U"\n", U" "), U"\r", U" "), U"  ", U" ");
  if (rules.removeSemicolons) s = pystr::replace(s, U";", U",");
  const int guess = pystr::wordCount(s) <= kShortWords ? 3 : 1;
  if (rules.capitalizeFirstLetter && !pystr::isUpper(s[0])) s = pystr::upper(s[0]) + s.substr(1);
  if (rules.appendTerminalPunctuation) s = ensureTerminalPunctuation(s);
  if (rules.padWithSpacesForShortInputs && pystr::wordCount(s) <= kShortWords) s = U32(kPadSpaces, U' ') + s;
  checkSize(s.size());
  return {pystr::toUtf8(s), guess};
}

}  // namespace weft::pocket_tts
