// The JS boundary for the Pocket TTS text front end (weft/pocket_tts/text.h): the chunks
// generate_audio_stream would give a text, as JSON
//   {"chunks": [{"text": "...", "frames_after_eos_guess": n, "ids": [...]}, ...]}
// and prepare_text_prompt alone as {"text": "...", "frames_after_eos_guess": n}. Rules are the
// generator's `text` object (TextRules::fromJson), as a JSON string or an object; absent: defaults.
//
//   const t = core.PocketTtsText.fromSentencePiece(bytes);   // or fromJson(tokenizerJsonBytes)
//   JSON.parse(t.chunksJson(text, rules, 50)); t.delete();
//   core.pocketTtsChunksJson(tokenizerBytes, text, rules, 50);  // one call, format from the bytes
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "boundary.h"
#include "weft/error.h"
#include "weft/pocket_tts/text.h"
#include "weft/tokenizer.h"

using emscripten::val;
using namespace weft::bindings;
using Json = nlohmann::ordered_json;

namespace {

weft::pocket_tts::TextRules rulesArg(const val& v) {
  const std::string text = jsonArg(v, "rules", true);
  if (text.empty()) return {};
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw weft::Error(std::string("rules: invalid JSON: ") + e.what());
  }
  return weft::pocket_tts::TextRules::fromJson(j, "rules");
}

int maxTokensArg(double n) {
  if (!(n >= 1 && n <= 1e9 && std::floor(n) == n)) throw weft::Error("maxTokens: expected an integer >= 1");
  return static_cast<int>(n);
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string chunks(const weft::Tokenizer& t, const val& text, const val& rules, double maxTokens) {
  Json out = {{"chunks", Json::array()}};
  const auto r = rulesArg(rules);
  for (const auto& c : weft::pocket_tts::splitIntoChunks(t, blobArg(text, "text"), maxTokensArg(maxTokens), r))
    out["chunks"].push_back({{"text", c.text}, {"frames_after_eos_guess", c.framesAfterEosGuess}, {"ids", c.ids}});
  return dump(out);
}

class JsPocketTtsText {
 public:
  static JsPocketTtsText fromJson(val blob) {
    return guard([&] { return JsPocketTtsText(weft::Tokenizer::fromJson(blobArg(blob, "PocketTtsText.fromJson"))); });
  }
  static JsPocketTtsText fromSentencePiece(val blob) {
    return guard([&] {
      return JsPocketTtsText(weft::Tokenizer::fromSentencePiece(blobArg(blob, "PocketTtsText.fromSentencePiece")));
    });
  }
  std::string chunksJson(val text, val rules, double maxTokens) const {
    return guard([&] { return chunks(*t_, text, rules, maxTokens); });
  }
  static std::string prepareJson(val text, val rules) {
    return guard([&] {
      const auto p = weft::pocket_tts::prepareTextPrompt(blobArg(text, "text"), rulesArg(rules));
      return dump({{"text", p.text}, {"frames_after_eos_guess", p.framesAfterEosGuess}});
    });
  }

 private:
  explicit JsPocketTtsText(std::unique_ptr<weft::Tokenizer> t) : t_(std::move(t)) {}
  std::shared_ptr<const weft::Tokenizer> t_;
};

std::string chunksJsonOnce(val tokenizer, val text, val rules, double maxTokens) {
  return guard([&] {
    const std::string bytes = blobArg(tokenizer, "tokenizer");
    const auto t = weft::Tokenizer::fromBytes(bytes);
    return chunks(*t, text, rules, maxTokens);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(weft_pocket_tts_text) {
  using namespace emscripten;
  class_<JsPocketTtsText>("PocketTtsText")
      .class_function("fromJson", &JsPocketTtsText::fromJson)
      .class_function("fromSentencePiece", &JsPocketTtsText::fromSentencePiece)
      .class_function("prepareJson", &JsPocketTtsText::prepareJson)
      .function("chunksJson", &JsPocketTtsText::chunksJson);
  function("pocketTtsChunksJson", &chunksJsonOnce);
}
