// Tokenizers against reference ids computed with Hugging Face `tokenizers` / `sentencepiece` at
// fixture time (build/models/tokenizers, tests/fixtures_py/weft_fixtures/tokenizer_refs.py), plus the
// errors malformed files must give. Lines are fed as raw bytes (invalid UTF-8 included).
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "weft/error.h"
#include "weft/tokenizer.h"

namespace {

const std::string kDir = std::string(WEFT_SOURCE_DIR) + "/build/models/tokenizers/";

using fixtures::slurp;

std::vector<std::string> corpus() {
  static const std::vector<std::string> lines = [] {
    const std::string all = slurp(kDir + "corpus.txt");
    std::vector<std::string> out;
    for (std::size_t s = 0, i = all.find('\n'); i != std::string::npos; s = i + 1, i = all.find('\n', s))
      out.push_back(all.substr(s, i - s));
    return out;
  }();
  return lines;
}

std::unique_ptr<weft::Tokenizer> open(const std::string& name) {
  const bool model = name == "albert" || name == "llama" || name == "tinybpe";  // SentencePiece .model files
  return model ? weft::Tokenizer::fromSentencePiece(slurp(kDir + name + ".model"))
               : weft::Tokenizer::fromJson(slurp(kDir + name + ".json"));
}

using fixtures::errorOf;

}  // namespace

TEST_CASE("tokenizers: encode and decode equal the references on the whole corpus") {
  const auto lines = corpus();
  REQUIRE(lines.size() >= 20000);
  for (const std::string name : {"gpt2", "mistral", "bert", "t5", "albert", "llama", "tinybpe", "llama3", "qwen3", "gemma3"}) {
    CAPTURE(name);
    const auto tok = open(name);
    const auto ref = nlohmann::json::parse(slurp(kDir + "refs/" + name + ".json"));
    std::size_t exact = 0, decodeExact = 0;
    std::vector<std::int32_t> ids;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      ids.clear();
      tok->encode(lines[i], true, ids);
      const auto want = ref["ids"][i].get<std::vector<std::int32_t>>();
      if (ids == want) ++exact;
      else if (exact + 5 > i) FAIL_CHECK("line " << i << " differs");
      if (tok->decode(want, true) == ref["decoded"][i].get<std::string>()) ++decodeExact;
      else if (decodeExact + 5 > i) FAIL_CHECK("line " << i << " decodes differently");
    }
    CHECK(exact == lines.size());
    CHECK(decodeExact == lines.size());
  }
}

TEST_CASE("tokenizers: no special tokens, truncation and padding equal the references") {
  const auto lines = corpus();
  for (const std::string name : {"gpt2", "mistral", "bert", "t5", "llama3", "qwen3", "gemma3"}) {
    CAPTURE(name);
    const auto tok = open(name);
    const auto ref = nlohmann::json::parse(slurp(kDir + "refs/" + name + ".extra.json"));
    const auto& plain = ref["no_special"];
    const auto& padded = ref["trunc16_pad24"];
    for (std::size_t i = 0; i < plain.size(); ++i)
      CHECK(tok->encode(lines[i], false) == plain[i].get<std::vector<std::int32_t>>());
    tok->setTruncation(16);
    tok->setPadding(24);
    for (std::size_t i = 0; i < padded.size(); ++i)
      CHECK(tok->encode(lines[i], true) == padded[i].get<std::vector<std::int32_t>>());
  }
}

TEST_CASE("tokenizers: NFC (Qwen3) composes, reorders marks and keeps composition exclusions apart") {
  const auto qwen = open("qwen3");
  const auto same = [&](const char* a, const char* b) { CHECK(qwen->encode(a) == qwen->encode(b)); };
  same("e\xCC\x81", "\xC3\xA9");                            // e + U+0301 = U+00E9
  same("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", "\xEA\xB0\x81");  // Hangul L V T = U+AC01
  same("a\xCC\xA3\xCC\x82", "a\xCC\x82\xCC\xA3");                // U+0323 (220) sorts before U+0302 (230)
  same("\xE0\xA5\x98", "\xE0\xA4\x95\xE0\xA4\xBC");              // U+0958 is excluded: NFC = U+0915 U+093C
  CHECK(qwen->encode("e\xCC\x81") != qwen->encode("e"));
}

TEST_CASE("tokenizers: pairs of texts give Hugging Face's ids and type ids (also truncated longest-first)") {
  const auto lines = corpus();
  for (const std::string name : {"bert", "t5", "gemma3", "gpt2_roberta"}) {
    CAPTURE(name);
    const auto tok = weft::Tokenizer::fromJson(slurp(kDir + name + ".json"));
    const auto ref = nlohmann::json::parse(slurp(kDir + "refs/" + name + ".pairs.json"));
    REQUIRE(ref["ids"].size() >= 3000);
    std::vector<std::int32_t> ids, types;
    for (const char* prefix : {"", "truncated_"}) {
      const auto& wantIds = ref[std::string(prefix) + "ids"];
      const auto& wantTypes = ref[std::string(prefix) + "type_ids"];
      if (*prefix) tok->setTruncation(12);
      std::size_t exact = 0;
      for (std::size_t i = 0; i < wantIds.size(); ++i) {
        tok->encodePair(lines[2 * i], lines[2 * i + 1], true, ids, types);
        if (ids == wantIds[i].get<std::vector<std::int32_t>>() && types == wantTypes[i].get<std::vector<std::int32_t>>()) ++exact;
        else if (exact + 5 > i) FAIL_CHECK(prefix << "pair " << i << " differs");
      }
      CHECK(exact == wantIds.size());
    }
  }
}

TEST_CASE("tokenizers: fromBytes tells a tokenizer.json (BOM, leading whitespace) from a .model") {
  const std::string json = slurp(kDir + "t5.json"), model = slurp(kDir + "albert.model");
  const auto want = open("t5")->encode("Hello world");
  for (const std::string head : {"", "\xEF\xBB\xBF", "\n", " \r\n\t", "\xEF\xBB\xBF\n  "}) {
    CAPTURE(head);
    CHECK(weft::Tokenizer::looksLikeJson(head + json));
    CHECK(weft::Tokenizer::fromBytes(head + json)->encode("Hello world") == want);
  }
  CHECK_FALSE(weft::Tokenizer::looksLikeJson(model));
  CHECK(weft::Tokenizer::fromBytes(model)->encode("Hello world") == open("albert")->encode("Hello world"));
  CHECK_FALSE(weft::Tokenizer::looksLikeJson(std::string("{\x0a\x05", 3)));
  CHECK(errorOf([] { weft::Tokenizer::fromBytes("\x0a\x7b\x0a\x05"); }).find("sentencepiece model") != std::string::npos);
}

TEST_CASE("tokenizers: id <-> token lookups") {
  const auto bert = open("bert");
  CHECK(bert->tokenToId("[CLS]") == 101);
  CHECK(bert->idToToken(101) == "[CLS]");
  CHECK(bert->tokenToId("no-such-token") == -1);
  CHECK(bert->isSpecial(102));
  CHECK_FALSE(bert->isSpecial(2000));
  CHECK(errorOf([&] { bert->idToToken(1 << 30); }).find("outside the vocabulary") != std::string::npos);
  const auto albert = open("albert");
  CHECK(albert->idToToken(albert->tokenToId("\xE2\x96\x81the")) == "\xE2\x96\x81the");
}

TEST_CASE("tokenizers: invalid UTF-8 becomes U+FFFD per maximal subpart") {
  const auto gpt2 = open("gpt2");
  // "\xF0\x9F\x98" is one truncated sequence → one U+FFFD; "\xED\xA0\x80" (a surrogate) → three.
  CHECK(gpt2->decode(gpt2->encode("a\xF0\x9F\x98" "b", false), false) == "a\xEF\xBF\xBD" "b");
  CHECK(gpt2->decode(gpt2->encode("\xED\xA0\x80", false), false) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(gpt2->encode(std::string("x\0y", 3), false).size() == 3);
}

TEST_CASE("tokenizers: malformed files give errors naming the problem") {
  const std::string model = slurp(kDir + "albert.model");
  for (std::size_t cut : {std::size_t(1), std::size_t(7), model.size() / 2, model.size() - 3}) {
    CAPTURE(cut);
    const std::string e = errorOf([&] { weft::Tokenizer::fromSentencePiece(model.substr(0, cut)); });
    CHECK(e.find("sentencepiece model") != std::string::npos);
    CHECK(e.find("(no error)") == std::string::npos);
  }
  CHECK(errorOf([] { weft::Tokenizer::fromSentencePiece(""); }).find("empty input") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson("{\"model\": "); }).find("invalid JSON") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson("{}"); }).find("missing field 'model'") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson(R"({"model": {"type": "Foo"}})"); })
            .find("unknown model type 'Foo'") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson(R"({"model": {"type": "BPE", "vocab": {"a": 0}}})"); })
            .find("missing field 'merges'") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson(R"({"model": {"type": "BPE", "vocab": {"a": 0, "ab": 1}, "merges": ["a b"]}})"); })
            .find("names unknown token 'b'") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson(R"({"model": {"type": "WordPiece", "vocab": {"a": 0}, "unk_token": "[UNK]"}})"); })
            .find("unk_token '[UNK]' is not in the vocabulary") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson(R"({"model": {"type": "Unigram", "vocab": [["a", -1.0]], "unk_id": 5}})"); })
            .find("unk_id 5 is outside") != std::string::npos);
  CHECK(errorOf([] { weft::Tokenizer::fromJson(R"({"model": {"type": "Unigram", "vocab": [["a", -1.0]], "unk_id": 0},
      "normalizer": {"type": "NFKD"}})"); }).find("unsupported normalizer type 'NFKD'") != std::string::npos);
}

TEST_CASE("tokenizers: truncation shorter than the special tokens keeps only the specials") {
  const auto bert = open("bert");
  bert->setTruncation(1);
  CHECK(bert->encode("hello world") == std::vector<std::int32_t>{101, 102});
  bert->setTruncation(3);
  CHECK(bert->encode("hello world") == std::vector<std::int32_t>{101, 7592, 102});
}

TEST_CASE("tokenizers: SentencePiece BPE .model (LLaMA) pieces, byte fallback and decode") {
  const auto llama = open("llama");
  CHECK(llama->vocabSize() == 32000);
  CHECK(llama->encode("Hello world") == std::vector<std::int32_t>{15043, 3186});
  // U+1FAE8 is no piece: "▁" then its four UTF-8 bytes as <0xNN> pieces.
  const auto ids = llama->encode("\xF0\x9F\xAB\xA8");
  REQUIRE(ids.size() == 5);
  CHECK(llama->idToToken(ids[1]) == "<0xF0>");
  CHECK(llama->decode(ids) == "\xF0\x9F\xAB\xA8");
  CHECK(llama->isSpecial(1));
  CHECK(llama->decode({1, 15043, 2}) == "Hello");
  const std::string model = slurp(kDir + "llama.model");
  for (std::size_t cut : {std::size_t(3), model.size() / 3, model.size() - 1}) {
    CAPTURE(cut);
    CHECK(errorOf([&] { weft::Tokenizer::fromSentencePiece(model.substr(0, cut)); }).find("sentencepiece") != std::string::npos);
  }
}

TEST_CASE("tokenizers: a text over kMaxInputBytes is refused with both sizes") {
  const auto llama = open("llama");
  const std::string big(weft::Tokenizer::kMaxInputBytes + 1, 'a');
  const std::string e = errorOf([&] { llama->encode(big); });
  CHECK(e.find("input of 268435457 bytes is over the limit of 268435456 bytes (256 MiB)") != std::string::npos);
}
