// Pocket TTS text front end against the package. Every expected value below was produced by
// pocket-tts 4.0.1 itself: prepare_text_prompt, split_into_best_sentences, and its
// SentencePieceTokenizer / JsonTokenizer (then prepare_text_prompt and the tokenizer per chunk,
// as generate_audio_stream does), on build/models/tokenizers/albert.model and t5.json. The last
// cases replay the fixture references of tests/fixtures_py/weft_fixtures/pocket_tts_text.py.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/pocket_tts/text.h"

namespace {

using weft::pocket_tts::TextRules;
using fixtures::errorOf;
using Ids = std::vector<std::int32_t>;

const std::string kRoot = std::string(WEFT_SOURCE_DIR) + "/build/models/";

using fixtures::slurp;

TextRules rules(const char* json) { return TextRules::fromJson(nlohmann::ordered_json::parse(json), "text"); }

const char* kEnglish = R"({"replace_characters": {"’": "'", "‘": "'"}})";  // english.yaml
const char* kFrench = R"j({"remove_semicolons": true, "replace_characters": {"\"": "", "“": "", "”": "",
  "„": "", "«": "", "»": "", "’": "'", "‘": "'", ":": ",", "(": "", ")": "", "[": "", "]": "", "–": ","}})j";

struct PrepareCase {
  const char* text;
  const char* rules;
  const char* want;
  int guess;
};

// prepare_text_prompt(text, ...) -> (want, guess), from pocket-tts 4.0.1.
const PrepareCase kPrepare[] = {
    {"hello world", "{}", "Hello world.", 3},
    {"  ßtraße  ", "{}", "SStraße.", 3},
    {"ŉ test", "{}", "ʼN test.", 3},
    {"ǅemal", "{}", "Ǆemal.", 3},
    {"ǆemal", "{}", "Ǆemal.", 3},
    {"ﬁne day", "{}", "FIne day.", 3},
    {"Ends with a comma,", "{}", "Ends with a comma.", 3},
    {"He said \"wait,\"", "{}", "He said \"wait.\"", 3},
    {"Trailing dash -", "{}", "Trailing dash.", 3},
    {"Dashes — – -", "{}", "Dashes.", 3},
    {"\"Hi?\", she said", kFrench, "Hi? she said.", 3},
    {"One two three four five", R"({"pad_with_spaces_for_short_inputs": true})", "One two three four five.", 1},
    {"One two three four", R"({"pad_with_spaces_for_short_inputs": true})", "        One two three four.", 3},
    {"a; b", R"({"remove_semicolons": true})", "A, b.", 3},
    {"Tom&Jerry cost 5€", R"({"replace_characters": {"&": " and ", "€": "EUR"}})", "Tom and Jerry cost 5EUR.", 1},
    {"line\nbreak\r\nhere", "{}", "Line break here.", 3},
    {"a    b", "{}", "A  b.", 3},
    {"\u3000hello\u2003world\u3000", kEnglish, "Hello world.", 3},
    {"\u3000hello\u2003world\u3000", "{}", "Hello\u2003world.", 3},
    {"\x1c" "foo\x1f", "{}", "Foo.", 3},
    {"hello", R"({"append_terminal_punctuation": false, "capitalize_first_letter": false})", "hello", 3},
    {"Wow…", "{}", "Wow…", 3},
    {"«Bonjour»", "{}", "«Bonjour».", 3},
    {"Ελληνικά", "{}", "Ελληνικά.", 3},
    {"привет мир", "{}", "Привет мир.", 3},
    {"?,  ;x", kEnglish, "? ;x.", 3},
    {"“Quote”", kFrench, "Quote.", 3},
    {"it’s ‘fine’", kEnglish, "It's 'fine'.", 3},
    {"(aside) [note]:", kFrench, "Aside note.", 3},
    {"Wait ... , what", kEnglish, "Wait ... what.", 3},
    {"x (y)", "{}", "X (y).", 3},
    {"ok!\")", "{}", "Ok!\")", 3},
};

struct ChunkCase {
  const char* text;
  const char* rules;
  int maxTokens;
  std::vector<std::tuple<std::string, int, Ids>> want;  // (text, frames after EOS guess, ids)
};

std::vector<std::tuple<std::string, int, Ids>> chunksOf(const weft::Tokenizer& t, const ChunkCase& c) {
  std::vector<std::tuple<std::string, int, Ids>> out;
  for (const auto& k : weft::pocket_tts::splitIntoChunks(t, c.text, c.maxTokens, rules(c.rules)))
    out.emplace_back(k.text, k.framesAfterEosGuess, k.ids);
  return out;
}

}  // namespace

TEST_CASE("pocket_tts text: prepare_text_prompt equals the package") {
  for (const PrepareCase& c : kPrepare) {
    CAPTURE(c.text);
    const auto p = weft::pocket_tts::prepareTextPrompt(c.text, rules(c.rules));
    CHECK(p.text == c.want);
    CHECK(p.framesAfterEosGuess == c.guess);
  }
}

TEST_CASE("pocket_tts text: empty text, oversized text and bad rules are refused") {
  for (const char* text : {"   ", "\n\t\u3000", ""})
    CHECK(errorOf([&] { weft::pocket_tts::prepareTextPrompt(text, TextRules{}); }).find("text is empty") != std::string::npos);
  CHECK(errorOf([] { weft::pocket_tts::prepareTextPrompt("“ ”", rules(kFrench)); }).find("text is empty") != std::string::npos);
  const std::string big(weft::Tokenizer::kMaxInputBytes + 1, 'a');
  CHECK(errorOf([&] { weft::pocket_tts::prepareTextPrompt(big, TextRules{}); }).find("over the limit") != std::string::npos);
  CHECK(errorOf([] { rules(R"({"remove_semicolon": true})"); }) ==
        "weft: text.remove_semicolon: unknown key (known keys: pad_with_spaces_for_short_inputs, remove_semicolons, "
        "append_terminal_punctuation, capitalize_first_letter, replace_characters)");
  CHECK(errorOf([] { rules(R"({"replace_characters": {"ab": "c"}})"); }) ==
        "weft: text.replace_characters.ab: a key of replace_characters must be one character");
  CHECK(errorOf([] { rules(R"({"capitalize_first_letter": 1})"); }).find("text.capitalize_first_letter") != std::string::npos);
  TextRules direct;
  direct.replaceCharacters = {{"", "x"}};
  CHECK(errorOf([&] { weft::pocket_tts::prepareTextPrompt("a", direct); }).find("one character") != std::string::npos);
}

TEST_CASE("pocket_tts text: chunks equal the package on a SentencePiece .model") {
  const auto albert = weft::Tokenizer::fromSentencePiece(slurp(kRoot + "tokenizers/albert.model"));
  const ChunkCase cases[] = {
      {"Pi is about 3.14, and e is 2.718. Both are irrational!", "{}", 50,
       {{"⁇ i is about 3.14, and e is 2.718. ⁇ oth are irrational!", 3,
         {13, 60, 60, 31, 25, 88, 203, 9, 1419, 15, 17, 13, 62, 25, 172, 9, 465, 1087, 9, 13, 60, 60, 635, 96, 50, 22596, 187}}}},
      {"It costs $1,000.50. That is a lot. Really... yes?! Fine.", "{}", 8,
       {{"⁇ t costs $1,000.50.", 5, {13, 60, 60, 13, 38, 4227, 28995, 9, 2290, 9}},
        {"⁇ hat is a lot.", 3, {13, 60, 60, 2970, 25, 21, 865, 9}},
        {"⁇ eally...", 5, {13, 60, 60, 13, 62, 1326, 9, 9, 9}},
        {"Yes?! ⁇ ine.", 5, {13, 1, 160, 60, 187, 13, 60, 60, 19, 62, 9}}}},
      // A sentence over the limit is split after , ; : — its re-encoding turns "⁇" into "??" (NFKC).
      {"First, a clause; second, another: third, the last one of them all, which goes on and on without a stop", "{}", 10,
       {{"?? irst, a clause.", 5, {13, 60, 60, 13, 1523, 384, 15, 21, 9040, 9}},
        {"Second, another: third.", 5, {13, 1, 15283, 706, 15, 226, 45, 422, 9}},
        {"The last one of them all.", 3, {13, 1, 438, 236, 53, 16, 105, 65, 9}},
        {"Which goes on and on without a stop.", 3, {13, 1, 252, 3870, 1852, 27, 17, 27, 366, 21, 747, 9}}}},
      {"One. Two. Three.", R"({"pad_with_spaces_for_short_inputs": true})", 4,
       {{"        ⁇ ne.", 5, {13, 60, 60, 2836, 9}}, {"        ⁇ wo.", 5, {13, 60, 60, 4808, 9}},
        {"        ⁇ hree.", 5, {13, 60, 60, 746, 9495, 9}}}},
      {"no boundary at all in this text", "{}", 3,
       {{"⁇ o boundary at all in this text.", 3, {13, 60, 60, 635, 5067, 35, 65, 19, 48, 1854, 9}}}},
      {"Version 1.2.3 shipped. 2. Then more.", kEnglish, 50,
       {{"⁇ ersion 1.2.3 shipped. 2. ⁇ hen more.", 3,
         {13, 60, 60, 13, 445, 872, 137, 9, 135, 9, 240, 12991, 9, 172, 9, 13, 60, 60, 24, 103, 91, 9}}}},
  };
  for (const ChunkCase& c : cases) {
    CAPTURE(c.text);
    CHECK(chunksOf(*albert, c) == c.want);
  }
}

TEST_CASE("pocket_tts text: chunks equal the package on a tokenizer.json with a post-processor") {
  // t5.json appends </s> (3): tokenizers' encode(text) adds it, so ".!...?" gives it as a boundary too.
  const auto t5 = weft::Tokenizer::fromJson(slurp(kRoot + "tokenizers/t5.json"));
  const ChunkCase cases[] = {
      {"Pi is about 3.14, and e is 2.718. Both are irrational!", "{}", 50,
       {{"<unk>i is about 3. 14, and e is 2. 718. <unk>oth are irrational!", 3,
         {13, 1, 49, 25, 88, 203, 9, 3824, 17, 13, 62, 25, 172, 9, 453, 1087, 9, 13, 1, 111, 96, 50, 22596, 187, 3}}}},
      {"It costs $1,000.50. That is a lot. Really... yes?! Fine.", "{}", 8,
       {{"<unk>t costs $1,000. 50.", 5, {13, 1, 38, 4227, 28995, 9, 1222, 9, 3}},
        {"<unk>hat is a lot.", 5, {13, 1, 6775, 25, 21, 865, 9, 3}},
        {"<unk>eally...", 5, {13, 1, 62, 1326, 9, 9, 9, 3}},
        {"Yes?! <unk>ine.", 5, {13, 1, 160, 60, 187, 13, 1, 1149, 9, 3}}}},
      {"First, a clause; second, another: third, the last one of them all, which goes on and on without a stop", "{}", 10,
       {{"<unk>irst, a clause; second.", 5, {13, 1, 1523, 384, 15, 21, 9040, 73, 153, 9, 3}},
        {"Another: third.", 5, {13, 1, 103, 9539, 45, 422, 9, 3}},
        {"The last one of them all.", 3, {13, 1, 438, 236, 53, 16, 105, 65, 9, 3}},
        {"Which goes on and on without a stop.", 3, {13, 1, 252, 3870, 1852, 27, 17, 27, 366, 21, 747, 9, 3}}}},
      {"Version 1.2.3 shipped. 2. Then more.", kEnglish, 50,
       {{"<unk>ersion 1. 2. 3 shipped. 2. <unk>hen more.", 3,
         {13, 1, 445, 872, 137, 9, 172, 9, 203, 12991, 9, 172, 9, 13, 1, 6077, 91, 9, 3}}}},
  };
  for (const ChunkCase& c : cases) {
    CAPTURE(c.text);
    CHECK(chunksOf(*t5, c) == c.want);
  }
}

namespace {

nlohmann::ordered_json chunksJson(const weft::Tokenizer& t, const std::string& text, int maxTokens, const TextRules& r) {
  nlohmann::ordered_json out;
  try {
    out["chunks"] = nlohmann::ordered_json::array();
    for (const auto& c : weft::pocket_tts::splitIntoChunks(t, text, maxTokens, r))
      out["chunks"].push_back({{"text", c.text}, {"frames_after_eos_guess", c.framesAfterEosGuess}, {"ids", c.ids}});
  } catch (const weft::Error& e) {
    REQUIRE_MESSAGE(std::string(e.what()).find("text is empty") != std::string::npos, e.what());
    out = {{"error", "empty"}};
  }
  return out;
}

}  // namespace

TEST_CASE("pocket_tts text: every fixture paragraph chunks as the package does, per tokenizer format and rule set") {
  const std::string dir = kRoot + "pocket_tts_text/";
  const auto paragraphs = nlohmann::ordered_json::parse(slurp(dir + "paragraphs.json"));
  const auto refs = nlohmann::ordered_json::parse(slurp(dir + "refs.json"));
  REQUIRE(paragraphs.size() >= 200);
  const int maxTokens = refs.at("max_tokens").get<int>();
  for (const std::string kind : {"model", "json"}) {
    const auto tok = kind == "model" ? weft::Tokenizer::fromSentencePiece(slurp(dir + "tokenizer.model"))
                                     : weft::Tokenizer::fromJson(slurp(dir + "tokenizer.json"));
    for (const auto& entry : refs.at("rule_sets").items()) {
      const std::string name = entry.key();  // a plain variable: CHECK_MESSAGE captures it in a lambda
      const TextRules r = TextRules::fromJson(entry.value(), "rule_sets." + name);
      std::size_t equal = 0;
      for (std::size_t i = 0; i < paragraphs.size(); ++i) {
        const auto got = chunksJson(*tok, paragraphs[i].get<std::string>(), maxTokens, r);
        const auto& want = refs.at("refs").at(kind).at(name).at(i);
        if (got == want) ++equal;
        else CHECK_MESSAGE(got == want, kind << " " << name << " paragraph " << i << ": " << got.dump() << " vs " << want.dump());
      }
      CHECK(equal == paragraphs.size());
    }
  }
}

// The fastest of three runs: the least disturbed by whatever else the machine does.
static double fastestSeconds(const weft::Tokenizer& tok, const std::string& text) {
  double best = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto chunks = weft::pocket_tts::splitIntoChunks(tok, text, 50, TextRules{});
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    CHECK(!chunks.empty());
  }
  return best;
}

// Chunking is linear in the text: ten times the text takes about ten times as long, never the
// hundred times a quadratic scan would (a ratio, so it holds on a slow or busy machine and under
// sanitizers alike; the 10 ms term absorbs timer noise on the short text).
TEST_CASE("pocket_tts text: chunking time grows linearly with the text (100,000 characters vs 10,000)") {
  const auto tok = weft::Tokenizer::fromSentencePiece(slurp(kRoot + "pocket_tts_text/tokenizer.model"));
  const auto repeat = [](const std::string& unit, std::size_t n) {
    std::string s;
    while (s.size() < n) s += unit;
    return s;
  };
  // prose; a boundary candidate at every other token; no boundary at all
  for (const std::string unit : {"Mr. Smith paid $1,000.50 for 3.14 pies, and then he left; it was late. ", "1.", "word "}) {
    const double shortText = fastestSeconds(*tok, repeat(unit, 10000));
    const double longText = fastestSeconds(*tok, repeat(unit, 100000));
    CHECK_MESSAGE(longText < 30.0 * shortText + 0.01, "'" << unit << "': " << longText << " s for 100,000 characters vs " << shortText << " s for 10,000");
  }
}
