// weft::Tokenizer: sanitize → split out added tokens → normalize → pre-tokenize → model →
// post-process → truncate / pad; and the reverse for decode.
#include "weft/tokenizer.h"

#include <algorithm>

#include "pipeline.h"
#include "unicode.h"

namespace weft {
using tok::Ids;

Tokenizer::Tokenizer(std::unique_ptr<tok::Pipeline> p) : p_(std::move(p)) {}
Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::fromJson(std::string_view text) {
  return std::unique_ptr<Tokenizer>(new Tokenizer(tok::loadTokenizerJson(text)));
}
std::unique_ptr<Tokenizer> Tokenizer::fromSentencePiece(std::string_view bytes) {
  return std::unique_ptr<Tokenizer>(new Tokenizer(tok::loadSentencePiece(bytes)));
}

bool Tokenizer::looksLikeJson(std::string_view b) {
  const auto skipSpace = [&](std::size_t i) {
    while (i < b.size() && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) ++i;
    return i;
  };
  std::size_t i = skipSpace(b.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
  if (i >= b.size() || b[i] != '{') return false;
  i = skipSpace(i + 1);
  return i < b.size() && (b[i] == '"' || b[i] == '}');
}
std::unique_ptr<Tokenizer> Tokenizer::fromBytes(std::string_view bytes) {
  return looksLikeJson(bytes) ? fromJson(bytes) : fromSentencePiece(bytes);
}

void Tokenizer::checkInputSize(std::size_t bytes) {
  if (bytes > kMaxInputBytes)
    throw Error("tokenizer: input of " + std::to_string(bytes) + " bytes is over the limit of " +
                std::to_string(kMaxInputBytes) + " bytes (256 MiB) per text");
}

void Tokenizer::encode(std::string_view raw, bool addSpecial, std::vector<std::int32_t>& out) const {
  const tok::Pipeline& p = *p_;
  checkInputSize(raw.size());
  std::string text;
  tok::uni::sanitize(raw, text);
  const std::size_t base = out.size();
  if (addSpecial) out.insert(out.end(), p.prefix.begin(), p.prefix.end());
  tok::encodeText(p, text, out);
  if (addSpecial) out.insert(out.end(), p.suffix.begin(), p.suffix.end());
  if (p.maxLength && out.size() - base > p.maxLength) {
    // Keep the specials: drop content from the end of the sequence part.
    const std::size_t keepSuffix = addSpecial ? p.suffix.size() : 0;
    const std::size_t content = out.size() - base - keepSuffix - (addSpecial ? p.prefix.size() : 0);
    const std::size_t cut = std::min(content, out.size() - base - p.maxLength);  // specials always stay
    out.erase(out.end() - static_cast<std::ptrdiff_t>(keepSuffix + cut), out.end() - static_cast<std::ptrdiff_t>(keepSuffix));
  }
  if (p.padLength && out.size() - base < p.padLength)
    out.resize(base + p.padLength, p.padId >= 0 ? p.padId : 0);
}

namespace {
// Hugging Face's longest_first: the shorter text keeps what it can up to half the budget.
void truncateLongestFirst(std::size_t& n1, std::size_t& n2, std::size_t budget) {
  if (n1 + n2 <= budget) return;
  const bool swap = n1 > n2;
  if (swap) std::swap(n1, n2);
  n2 = n1 > budget ? n1 : std::max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = budget / 2;
    n2 = n1 + budget % 2;
  }
  if (swap) std::swap(n1, n2);
}
}  // namespace

void Tokenizer::encodePair(std::string_view a, std::string_view b, bool addSpecial, std::vector<std::int32_t>& ids,
                           std::vector<std::int32_t>& typeIds) const {
  const tok::Pipeline& p = *p_;
  Ids seq[2];
  std::string text;
  for (int k = 0; k < 2; ++k) {
    const std::string_view raw = k ? b : a;
    checkInputSize(raw.size());
    tok::uni::sanitize(raw, text);
    tok::encodeText(p, text, seq[k]);
  }
  const auto& pieces = addSpecial ? p.pair : p.pairPlain;
  if (p.maxLength) {
    std::size_t specials = 0, n1 = seq[0].size(), n2 = seq[1].size();
    for (const auto& piece : pieces) specials += piece.ids.size();
    truncateLongestFirst(n1, n2, p.maxLength > specials ? p.maxLength - specials : 0);
    seq[0].resize(n1);
    seq[1].resize(n2);
  }
  ids.clear();
  typeIds.clear();
  for (const auto& piece : pieces) {
    const Ids& part = piece.sequence < 0 ? piece.ids : seq[piece.sequence];
    ids.insert(ids.end(), part.begin(), part.end());
    typeIds.insert(typeIds.end(), part.size(), piece.typeId);
  }
  if (p.padLength && ids.size() < p.padLength) {
    ids.resize(p.padLength, p.padId >= 0 ? p.padId : 0);
    typeIds.resize(p.padLength, 0);
  }
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, bool addSpecial) const {
  std::vector<std::int32_t> out;
  encode(text, addSpecial, out);
  return out;
}

std::vector<std::vector<std::int32_t>> Tokenizer::encodeBatch(const std::vector<std::string>& texts, bool add) const {
  std::vector<std::vector<std::int32_t>> out(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) encode(texts[i], add, out[i]);
  return out;
}

std::string Tokenizer::idToToken(std::int32_t id) const {
  const auto it = p_->addedById.find(id);
  if (it != p_->addedById.end()) return p_->added[it->second].surface;
  if (const std::string* t = p_->model->idToToken(id)) return *t;
  throw Error("tokenizer: id " + std::to_string(id) + " is outside the vocabulary (size " +
              std::to_string(vocabSize()) + ")");
}

std::int32_t Tokenizer::tokenToId(std::string_view token) const {
  for (const auto& a : p_->added)
    if (a.content == token) return a.id;
  return p_->model->tokenToId(token);
}

std::size_t Tokenizer::vocabSize() const {
  std::size_t n = p_->model->size();
  for (const auto& a : p_->added) n = std::max(n, static_cast<std::size_t>(a.id) + 1);
  return n;
}

bool Tokenizer::isSpecial(std::int32_t id) const {
  if (p_->sentencepiece) return id >= 0 && static_cast<std::size_t>(id) < p_->spTypes.size() && p_->spTypes[id] == 3;
  const auto it = p_->addedById.find(id);
  return it != p_->addedById.end() && p_->added[it->second].special;
}

std::string Tokenizer::decode(const std::int32_t* ids, std::size_t n, bool skipSpecial) const {
  const tok::Pipeline& p = *p_;
  if (p.sentencepiece) return tok::decodeSentencePiece(p, ids, n);
  std::vector<std::string> tokens;
  tokens.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (skipSpecial && isSpecial(ids[i])) continue;
    tokens.push_back(idToToken(ids[i]));
  }
  if (p.decoders.empty()) {
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
    return out;
  }
  for (const auto& d : p.decoders) d->apply(tokens);
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

void Tokenizer::setTruncation(std::size_t maxLength) { p_->maxLength = maxLength; }
void Tokenizer::setPadding(std::size_t padLength, std::int32_t padId) {
  p_->padLength = padLength;
  if (padId >= 0) p_->padId = padId;
}

std::string Tokenizer::infoJson() const {
  return std::string("{\"model\":\"") + p_->model->type() + "\",\"vocab_size\":" + std::to_string(vocabSize()) +
         ",\"pad_id\":" + std::to_string(p_->padId) + ",\"max_length\":" + std::to_string(p_->maxLength) +
         ",\"pad_length\":" + std::to_string(p_->padLength) + ",\"format\":\"" +
         (p_->sentencepiece ? "sentencepiece" : "tokenizer.json") + "\"}";
}

}  // namespace weft
