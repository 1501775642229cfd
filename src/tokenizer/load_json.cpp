// Hugging Face tokenizer.json → Pipeline. Errors name the JSON path of the problem.
#include <cstdint>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "pipeline.h"

namespace weft::tok {
namespace {

using Json = nlohmann::json;

const Json& req(const Json& o, const char* k, const std::string& path) {
  if (!o.is_object()) fail("tokenizer.json: " + path + ": expected an object");
  const auto it = o.find(k);
  if (it == o.end()) fail("tokenizer.json: " + path + ": missing field '" + k + "'");
  return *it;
}
std::string str(const Json& o, const char* k, const std::string& path) {
  const Json& v = req(o, k, path);
  if (!v.is_string()) fail("tokenizer.json: " + path + "." + k + ": expected a string");
  return v.get<std::string>();
}
// An integer field as T. A float, or an integer outside T's range, is an error: get<T>() would
// wrap it, or (a float out of range) be undefined.
template <class T>
T integer(const Json& v, const std::string& path) {
  if (!v.is_number_integer()) fail("tokenizer.json: " + path + ": expected an integer");
  using Limits = std::numeric_limits<T>;
  if (v.is_number_unsigned() || v.get<std::int64_t>() >= 0) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(Limits::max())) fail("tokenizer.json: " + path + ": " + v.dump() + " is out of range");
    return static_cast<T>(u);
  }
  const auto i = v.get<std::int64_t>();
  if (i < static_cast<std::int64_t>(Limits::min())) fail("tokenizer.json: " + path + ": " + v.dump() + " is out of range");
  return static_cast<T>(i);
}
template <class T>
T opt(const Json& o, const char* k, T dflt) {
  const auto it = o.find(k);
  if (it == o.end() || it->is_null()) return dflt;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return integer<T>(*it, k);
  else return it->get<T>();
}
std::string optStr(const Json& o, const char* k) {
  const auto it = o.find(k);
  return it == o.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

void normalizer(const Json& j, const std::string& path, Pipeline& p) {
  if (j.is_null()) return;
  const std::string t = str(j, "type", path);
  if (t == "Sequence") {
    const Json& list = req(j, "normalizers", path);
    for (std::size_t i = 0; i < list.size(); ++i) normalizer(list[i], path + ".normalizers[" + std::to_string(i) + "]", p);
  } else if (t == "BertNormalizer") {
    const bool lower = opt(j, "lowercase", true);
    p.normalizers.push_back(makeBertNormalizer(opt(j, "clean_text", true), opt(j, "handle_chinese_chars", true),
                                               opt(j, "strip_accents", lower), lower));
  } else if (t == "Precompiled") {
    const std::string b64 = str(j, "precompiled_charsmap", path);
    std::string bin;  // base64
    unsigned v = 0;
    int bits = 0;
    for (char c : b64) {
      int d = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+' ? 62 : c == '/' ? 63 : -1;
      if (c == '=') break;
      if (d < 0) fail("tokenizer.json: " + path + ".precompiled_charsmap: invalid base64");
      v = (v << 6) | static_cast<unsigned>(d);
      bits += 6;
      if (bits >= 8) { bits -= 8; bin += static_cast<char>((v >> bits) & 0xFF); }
    }
    p.normalizers.push_back(makePrecompiled(std::move(bin)));
  } else if (t == "Strip") {
    p.normalizers.push_back(makeStrip(opt(j, "strip_left", true), opt(j, "strip_right", true)));
  } else if (t == "Replace") {
    const Json& pat = req(j, "pattern", path);
    const bool re = pat.contains("Regex");
    const std::string s = re ? str(pat, "Regex", path + ".pattern") : str(pat, "String", path + ".pattern");
    p.normalizers.push_back(makeReplace(s, re, str(j, "content", path)));
  } else if (t == "Prepend") {
    p.normalizers.push_back(makePrepend(str(j, "prepend", path)));
  } else if (t == "Lowercase") {
    p.normalizers.push_back(makeLowercase());
  } else if (t == "NFC") {
    p.normalizers.push_back(makeNfc());
  } else {
    fail("tokenizer.json: " + path + ": unsupported normalizer type '" + t + "'");
  }
}

int prependScheme(const Json& j) {
  const std::string s = optStr(j, "prepend_scheme");
  if (s.empty()) return opt(j, "add_prefix_space", true) ? 0 : 2;
  if (s == "always") return 0;
  if (s == "first") return 1;
  if (s == "never") return 2;
  fail("tokenizer.json: unknown prepend_scheme '" + s + "'");
}

std::unique_ptr<PreTokenizer> preTokenizer(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  const std::string t = str(j, "type", path);
  if (t == "ByteLevel") return makeByteLevelPre(opt(j, "add_prefix_space", true), opt(j, "use_regex", true));
  if (t == "BertPreTokenizer") return makeBertPre();
  if (t == "WhitespaceSplit") return makeWhitespaceSplit();
  if (t == "Metaspace") return makeMetaspacePre(opt<std::string>(j, "replacement", "\xE2\x96\x81"), prependScheme(j), opt(j, "split", true));
  if (t == "Split") {
    const Json& pat = req(j, "pattern", path);
    const bool re = pat.contains("Regex");
    const std::string s = re ? str(pat, "Regex", path + ".pattern") : str(pat, "String", path + ".pattern");
    return makeSplitPre(s, re, str(j, "behavior", path), opt(j, "invert", false));
  }
  if (t == "Sequence") {
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    const Json& list = req(j, "pretokenizers", path);
    for (std::size_t i = 0; i < list.size(); ++i) parts.push_back(preTokenizer(list[i], path + ".pretokenizers[" + std::to_string(i) + "]"));
    return makeSequencePre(std::move(parts));
  }
  fail("tokenizer.json: " + path + ": unsupported pre_tokenizer type '" + t + "'");
}

std::vector<std::string> vocabById(const Json& v, const std::string& path) {
  if (!v.is_object()) fail("tokenizer.json: " + path + ": expected an object of token → id");
  std::vector<std::string> out(v.size());
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it.value().is_number_integer()) fail("tokenizer.json: " + path + "['" + it.key() + "']: expected an integer id");
    const auto id = it.value().get<std::int64_t>();
    if (id < 0 || static_cast<std::size_t>(id) >= out.size())
      fail("tokenizer.json: " + path + "['" + it.key() + "']: id " + std::to_string(id) + " is not in [0, " + std::to_string(out.size()) + ")");
    out[id] = it.key();
  }
  return out;
}

std::unique_ptr<Model> model(const Json& j) {
  const std::string t = str(j, "type", "model");
  if (t == "BPE") {
    BpeSpec s;
    s.vocab = vocabById(req(j, "vocab", "model"), "model.vocab");
    const Json& merges = req(j, "merges", "model");
    if (!merges.is_array()) fail("tokenizer.json: model.merges: expected an array");
    for (std::size_t i = 0; i < merges.size(); ++i) {
      const Json& m = merges[i];
      if (m.is_string()) {
        const std::string v = m.get<std::string>();
        const auto sp = v.find(' ', 1);
        if (sp == std::string::npos) fail("tokenizer.json: model.merges[" + std::to_string(i) + "]: expected \"a b\"");
        s.merges.emplace_back(v.substr(0, sp), v.substr(sp + 1));
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        s.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
      } else {
        fail("tokenizer.json: model.merges[" + std::to_string(i) + "]: expected \"a b\" or [a, b]");
      }
    }
    s.unk = optStr(j, "unk_token");
    s.fuseUnk = opt(j, "fuse_unk", false);
    s.byteFallback = opt(j, "byte_fallback", false);
    s.ignoreMerges = opt(j, "ignore_merges", false);
    s.continuingPrefix = optStr(j, "continuing_subword_prefix");
    s.endOfWordSuffix = optStr(j, "end_of_word_suffix");
    if (opt(j, "dropout", 0.0) != 0.0) fail("tokenizer.json: model.dropout is not supported (it is random)");
    return makeBpe(std::move(s));
  }
  if (t == "WordPiece")
    return makeWordPiece(vocabById(req(j, "vocab", "model"), "model.vocab"), str(j, "unk_token", "model"),
                         opt<std::string>(j, "continuing_subword_prefix", "##"), opt<std::size_t>(j, "max_input_chars_per_word", 100));
  if (t == "Unigram") {
    UnigramSpec s;
    const Json& v = req(j, "vocab", "model");
    if (!v.is_array()) fail("tokenizer.json: model.vocab: expected an array of [piece, score]");
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_array() || v[i].size() != 2 || !v[i][0].is_string() || !v[i][1].is_number())
        fail("tokenizer.json: model.vocab[" + std::to_string(i) + "]: expected [piece, score]");
      s.vocab.emplace_back(v[i][0].get<std::string>(), v[i][1].get<double>());
    }
    s.unk = opt<std::int32_t>(j, "unk_id", -1);
    s.byteFallback = opt(j, "byte_fallback", false);
    return makeUnigram(std::move(s));
  }
  fail("tokenizer.json: model.type: unknown model type '" + t + "' (supported: BPE, WordPiece, Unigram)");
}

// A TemplateProcessing template: {"SpecialToken": {"id", "type_id"}} or {"Sequence": {"id": "A"|"B", "type_id"}}.
std::vector<Pipeline::PairPiece> templatePieces(const Json& list, const Json& specials, const std::string& path) {
  if (!list.is_array()) fail("tokenizer.json: " + path + ": expected an array");
  std::vector<Pipeline::PairPiece> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string ip = path + "[" + std::to_string(i) + "]";
    if (list[i].contains("Sequence")) {
      const Json& seq = list[i]["Sequence"];
      const std::string id = str(seq, "id", ip + ".Sequence");
      if (id != "A" && id != "B") fail("tokenizer.json: " + ip + ".Sequence.id: expected \"A\" or \"B\" but got \"" + id + "\"");
      out.push_back({id == "A" ? 0 : 1, {}, opt<std::int32_t>(seq, "type_id", 0)});
      continue;
    }
    const Json& sp = req(list[i], "SpecialToken", ip);
    const std::string name = str(sp, "id", ip + ".SpecialToken");
    const auto it = specials.find(name);
    if (it == specials.end()) fail("tokenizer.json: " + ip + ": special token '" + name + "' is not in special_tokens");
    const std::string ids = path.substr(0, path.rfind('.')) + ".special_tokens." + name;
    Pipeline::PairPiece piece{-1, {}, opt<std::int32_t>(sp, "type_id", 0)};
    for (const auto& id : req(*it, "ids", ids)) piece.ids.push_back(integer<std::int32_t>(id, ids + ".ids[]"));
    out.push_back(std::move(piece));
  }
  return out;
}

void postProcessor(const Json& j, const std::string& path, Pipeline& p) {
  if (j.is_null()) return;
  const std::string t = str(j, "type", path);
  if (t == "Sequence") {
    const Json& list = req(j, "processors", path);
    for (std::size_t i = 0; i < list.size(); ++i) postProcessor(list[i], path + ".processors[" + std::to_string(i) + "]", p);
  } else if (t == "ByteLevel") {
  } else if (t == "BertProcessing" || t == "RobertaProcessing") {
    const Json& cls = req(j, "cls", path);
    const Json& sep = req(j, "sep", path);
    if (!cls.is_array() || cls.size() != 2 || !sep.is_array() || sep.size() != 2)
      fail("tokenizer.json: " + path + ": cls / sep must be [token, id]");
    const Ids c{integer<std::int32_t>(cls[1], path + ".cls[1]")}, s{integer<std::int32_t>(sep[1], path + ".sep[1]")};
    p.prefix = c;
    p.suffix = s;
    // BERT: [CLS] A [SEP] B [SEP], B's part type 1; RoBERTa: <s> A </s> </s> B </s>, all type 0.
    if (t == "BertProcessing") p.pair = {{-1, c, 0}, {0, {}, 0}, {-1, s, 0}, {1, {}, 1}, {-1, s, 1}};
    else p.pair = {{-1, c, 0}, {0, {}, 0}, {-1, s, 0}, {-1, s, 0}, {1, {}, 0}, {-1, s, 0}};
  } else if (t == "TemplateProcessing") {
    const Json& specials = req(j, "special_tokens", path);
    std::vector<Pipeline::PairPiece> single = templatePieces(req(j, "single", path), specials, path + ".single");
    bool seenA = false;
    for (const auto& piece : single) {
      if (piece.sequence == 1) fail("tokenizer.json: " + path + ".single: $B in a single-sequence template");
      if (piece.sequence == 0) seenA = true;
      Ids& side = seenA ? p.suffix : p.prefix;
      if (piece.sequence < 0) side.insert(side.end(), piece.ids.begin(), piece.ids.end());
    }
    if (j.contains("pair") && !j["pair"].is_null()) {
      p.pair = templatePieces(j["pair"], specials, path + ".pair");
      p.pairPlain.clear();
      for (const auto& piece : p.pair)
        if (piece.sequence >= 0) p.pairPlain.push_back(piece);
    }
  } else {
    fail("tokenizer.json: " + path + ": unsupported post_processor type '" + t + "'");
  }
}

void decoder(const Json& j, const std::string& path, Pipeline& p) {
  if (j.is_null()) return;
  const std::string t = str(j, "type", path);
  if (t == "Sequence") {
    const Json& list = req(j, "decoders", path);
    for (std::size_t i = 0; i < list.size(); ++i) decoder(list[i], path + ".decoders[" + std::to_string(i) + "]", p);
  } else if (t == "ByteLevel") {
    p.decoders.push_back(makeByteLevelDecoder());
  } else if (t == "WordPiece") {
    p.decoders.push_back(makeWordPieceDecoder(opt<std::string>(j, "prefix", "##"), opt(j, "cleanup", true)));
  } else if (t == "Metaspace") {
    p.decoders.push_back(makeMetaspaceDecoder(opt<std::string>(j, "replacement", "\xE2\x96\x81"), prependScheme(j) != 2));
  } else if (t == "Replace") {
    const Json& pat = req(j, "pattern", path);
    if (!pat.contains("String")) fail("tokenizer.json: " + path + ": only String patterns are supported");
    p.decoders.push_back(makeReplaceDecoder(str(pat, "String", path + ".pattern"), str(j, "content", path)));
  } else if (t == "ByteFallback") {
    p.decoders.push_back(makeByteFallbackDecoder());
  } else if (t == "Fuse") {
    p.decoders.push_back(makeFuseDecoder());
  } else if (t == "Strip") {
    p.decoders.push_back(makeStripDecoder(str(j, "content", path), opt<std::size_t>(j, "start", 0), opt<std::size_t>(j, "stop", 0)));
  } else {
    fail("tokenizer.json: " + path + ": unsupported decoder type '" + t + "'");
  }
}

}  // namespace

std::unique_ptr<Pipeline> loadTokenizerJson(std::string_view text) {
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    fail(std::string("tokenizer.json: invalid JSON: ") + e.what());
  }
  if (!j.is_object()) fail("tokenizer.json: expected a JSON object at the top level");
  auto p = std::make_unique<Pipeline>();
  try {
    p->model = model(req(j, "model", "(root)"));
    normalizer(j.value("normalizer", Json()), "normalizer", *p);
    p->pre = preTokenizer(j.value("pre_tokenizer", Json()), "pre_tokenizer");
    for (const auto& a : j.value("added_tokens", Json::array())) {
      const bool special = opt(a, "special", false);
      AddedMatcher::Rules r;
      r.lstrip = opt(a, "lstrip", false);
      r.rstrip = opt(a, "rstrip", false);
      r.singleWord = opt(a, "single_word", false);
      p->addToken(str(a, "content", "added_tokens[]"), integer<std::int32_t>(req(a, "id", "added_tokens[]"), "added_tokens[].id"),
                  special, opt(a, "normalized", !special), r);
    }
    p->buildAddedMatchers();
    postProcessor(j.value("post_processor", Json()), "post_processor", *p);
    decoder(j.value("decoder", Json()), "decoder", *p);
    for (const char* pad : {"<pad>", "[PAD]"}) {
      const std::int32_t id = p->model->tokenToId(pad);
      if (id >= 0 && p->padId < 0) p->padId = id;
    }
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong JSON type
    fail(std::string("tokenizer.json: unexpected value: ") + e.what());
  }
  return p;
}

}  // namespace weft::tok
