// Pocket TTS text front end: the normalization and chunking that pocket-tts 4.0.1 applies to a
// prompt before generation (pocket_tts/models/text_chunking.py and
// TTSModel.generate_audio_stream), with Python's string semantics on Unicode text (str.strip /
// split / isupper / upper / isdigit, re's \s, str.translate).
//
//   prepareTextPrompt: prepare_text_prompt — strip; with replace_characters, translate, collapse
//     whitespace and drop a , ; : right after . ! ? …; refuse empty text; newlines to spaces;
//     ";" -> "," (remove_semicolons); the word-count guess for frames after EOS; uppercase first
//     character; terminal punctuation; 8 leading spaces for fewer than five words (padding rule).
//   splitIntoChunks: split_into_best_sentences, then prepare_text_prompt and the tokenizer on each
//     chunk, as generate_audio_stream does. Sentences end after the tokens of ".!...?" (its first
//     token dropped, as the package does), except after a period between digits ("3.14"); a
//     sentence over maxTokens is split after the tokens of ",;:"; sentences are then packed into
//     chunks of at most maxTokens tokens (one longer sentence stays whole).
//
// Text is UTF-8; invalid UTF-8 becomes U+FFFD first, as in the tokenizer. Tokenizer calls are the
// package's: encode as tokenizers' encode(text) / sentencepiece's encode(text) (the
// post-processor's special tokens included, if the tokenizer.json has any; a .model adds none),
// decode skipping special tokens. The package decodes the whole prefix and suffix at every
// candidate decimal period; here only a window of tokens around it is decoded, growing until it
// decides the characters the rule looks at, so long texts chunk in linear time.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/tokenizer.h"

namespace weft::pocket_tts {

// The config's text rules (pocket-tts config YAML keys; defaults are the package's).
struct TextRules {
  bool padWithSpacesForShortInputs = false;
  bool removeSemicolons = false;
  bool appendTerminalPunctuation = true;
  bool capitalizeFirstLetter = true;
  // str.maketrans: each key one code point, each value any text ("" deletes); a later entry for
  // the same key wins, as in a dict. Empty: no translation and no whitespace collapsing.
  std::vector<std::pair<std::string, std::string>> replaceCharacters;

  // {"pad_with_spaces_for_short_inputs": bool, "remove_semicolons": bool,
  //  "append_terminal_punctuation": bool, "capitalize_first_letter": bool,
  //  "replace_characters": {"’": "'", ...}}; absent keys keep their defaults, unknown keys and
  // keys of replace_characters that are not one code point are refused, the error naming the
  // JSON path (prefix + path).
  static TextRules fromJson(const nlohmann::ordered_json& j, const std::string& path,
                            const std::string& prefix = "");
};

struct PreparedText {
  std::string text;
  int framesAfterEosGuess;  // prepare_text_prompt's: 3 for four words or fewer, else 1
};

// Throws weft::Error("pocket_tts: text is empty ...") where the package raises ValueError("Text
// prompt cannot be empty"), and for text over Tokenizer::kMaxInputBytes.
PreparedText prepareTextPrompt(std::string_view text, const TextRules& rules);

struct TextChunk {
  std::string text;         // the chunk after prepare_text_prompt: what the model is given
  int framesAfterEosGuess;  // the guess plus 2, as generate_audio_stream adds
  std::vector<std::int32_t> ids;  // the tokenizer's ids of text
};

std::vector<TextChunk> splitIntoChunks(const Tokenizer& tokenizer, std::string_view text,
                                       int maxTokens, const TextRules& rules);

}  // namespace weft::pocket_tts
