// The JS boundary for tokenizers. Text travels without intermediate copies: JS encodes UTF-8
// straight into inputView(n) (TextEncoder.encodeInto on WASM memory), encode(n) tokenizes those
// bytes and returns an Int32Array view of the ids; decode reads ids written into idsView(n).
// decode returns UTF-8 bytes as a view. A pair's second text goes to pairInputView(n); encodePair
// returns the ids and typeIdsView() their type ids. Views alias WASM memory and are valid until
// the next call into the core.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "weft/error.h"
#include "weft/tokenizer.h"
#include "boundary.h"

using emscripten::val;
using namespace weft::bindings;

namespace {

std::size_t count(double n, const char* what) {
  if (!(n >= 0 && std::floor(n) == n && n < 4294967296.0))
    throw weft::Error(std::string(what) + ": expected a non-negative integer");
  return static_cast<std::size_t>(n);
}

class JsTokenizer {
 public:
  static JsTokenizer fromJson(val blob) {
    return guard([&] { return JsTokenizer(weft::Tokenizer::fromJson(blobArg(blob, "Tokenizer.fromJson"))); });
  }
  static JsTokenizer fromSentencePiece(val blob) {
    return guard([&] { return JsTokenizer(weft::Tokenizer::fromSentencePiece(blobArg(blob, "Tokenizer.fromSentencePiece"))); });
  }
  static JsTokenizer fromBytes(val blob) {
    return guard([&] { return JsTokenizer(weft::Tokenizer::fromBytes(blobArg(blob, "Tokenizer.fromBytes"))); });
  }
  static bool looksLikeJson(val blob) { return guard([&] { return weft::Tokenizer::looksLikeJson(blobArg(blob, "Tokenizer.looksLikeJson")); }); }
  val inputView(double n) { return bufferView(s_->input, n, "inputView"); }
  val pairInputView(double n) { return bufferView(s_->pairInput, n, "pairInputView"); }
  val encodePair(double n, double m, bool addSpecial) {
    return guard([&] {
      const std::size_t k = count(n, "encodePair: byte count"), l = count(m, "encodePair: pair byte count");
      if (k > s_->input.size() || l > s_->pairInput.size())
        throw weft::Error("encodePair: byte count exceeds the inputView / pairInputView length");
      s_->t->encodePair(std::string_view(s_->input.data(), k), std::string_view(s_->pairInput.data(), l), addSpecial,
                        s_->ids, s_->typeIds);
      return val(emscripten::typed_memory_view(s_->ids.size(), s_->ids.data()));
    });
  }
  val typeIdsView() { return val(emscripten::typed_memory_view(s_->typeIds.size(), s_->typeIds.data())); }

 private:
  // An input buffer of n bytes (within the tokenizer's limit) that JS writes UTF-8 text into.
  val bufferView(std::string& buffer, double n, const char* what) {
    return guard([&] {
      const std::size_t k = count(n, what);
      weft::Tokenizer::checkInputSize(k);
      buffer.resize(k);
      return val(emscripten::typed_memory_view(buffer.size(), reinterpret_cast<std::uint8_t*>(buffer.data())));
    });
  }

 public:
  val encode(double n, bool addSpecial) {
    return guard([&] {
      const std::size_t k = count(n, "encode: byte count");
      if (k > s_->input.size()) throw weft::Error("encode: byte count exceeds the inputView length");
      s_->ids.clear();
      s_->t->encode(std::string_view(s_->input.data(), k), addSpecial, s_->ids);
      return val(emscripten::typed_memory_view(s_->ids.size(), s_->ids.data()));
    });
  }
  val idsView(double n) {
    return guard([&] {
      s_->ids.resize(count(n, "idsView"));
      return val(emscripten::typed_memory_view(s_->ids.size(), s_->ids.data()));
    });
  }
  // UTF-8 bytes as a view: JS decodes them with TextDecoder({ignoreBOM: true}), as embind's
  // string conversion would drop a leading U+FEFF.
  val decode(double n, bool skipSpecial) {
    return guard([&] {
      const std::size_t k = count(n, "decode: id count");
      if (k > s_->ids.size()) throw weft::Error("decode: id count exceeds the idsView length");
      s_->text = s_->t->decode(s_->ids.data(), k, skipSpecial);
      return val(emscripten::typed_memory_view(s_->text.size(), reinterpret_cast<const std::uint8_t*>(s_->text.data())));
    });
  }
  std::string idToToken(int id) const { return guard([&] { return s_->t->idToToken(id); }); }
  int tokenToId(val token) const { return guard([&] { return s_->t->tokenToId(stringArg(token, "tokenToId")); }); }
  double vocabSize() const { return guard([&] { return static_cast<double>(s_->t->vocabSize()); }); }
  bool isSpecial(int id) const { return guard([&] { return s_->t->isSpecial(id); }); }
  void setTruncation(double n) { guard([&] { s_->t->setTruncation(count(n, "setTruncation")); }); }
  void setPadding(double n, int padId) { guard([&] { s_->t->setPadding(count(n, "setPadding"), padId); }); }
  std::string infoJson() const { return guard([&] { return s_->t->infoJson(); }); }
  static double maxInputBytes() { return static_cast<double>(weft::Tokenizer::kMaxInputBytes); }

 private:
  struct State {
    std::unique_ptr<weft::Tokenizer> t;
    std::string input, pairInput, text;
    std::vector<std::int32_t> ids, typeIds;
  };
  explicit JsTokenizer(std::unique_ptr<weft::Tokenizer> t) : s_(std::make_shared<State>()) { s_->t = std::move(t); }
  std::shared_ptr<State> s_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(weft_tokenizer) {
  using namespace emscripten;
  class_<JsTokenizer>("Tokenizer")
      .class_function("fromJson", &JsTokenizer::fromJson)
      .class_function("fromSentencePiece", &JsTokenizer::fromSentencePiece)
      .class_function("fromBytes", &JsTokenizer::fromBytes)
      .class_function("looksLikeJson", &JsTokenizer::looksLikeJson)
      .class_function("maxInputBytes", &JsTokenizer::maxInputBytes)
      .function("inputView", &JsTokenizer::inputView)
      .function("encode", &JsTokenizer::encode)
      .function("pairInputView", &JsTokenizer::pairInputView)
      .function("encodePair", &JsTokenizer::encodePair)
      .function("typeIdsView", &JsTokenizer::typeIdsView)
      .function("idsView", &JsTokenizer::idsView)
      .function("decode", &JsTokenizer::decode)
      .function("idToToken", &JsTokenizer::idToToken)
      .function("tokenToId", &JsTokenizer::tokenToId)
      .function("vocabSize", &JsTokenizer::vocabSize)
      .function("isSpecial", &JsTokenizer::isSpecial)
      .function("setTruncation", &JsTokenizer::setTruncation)
      .function("setPadding", &JsTokenizer::setPadding)
      .function("infoJson", &JsTokenizer::infoJson);
}
