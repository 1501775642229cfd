// Decoders (Hugging Face semantics): each rewrites the token list; the pipeline concatenates.
#include <unordered_map>

#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

class ByteLevelDecoder : public Decoder {
 public:
  ByteLevelDecoder() {
    for (int b = 0; b < 256; ++b) {
      std::size_t i = 0;
      back_.emplace(uni::next(byteToUnicode(static_cast<unsigned char>(b)), i), static_cast<char>(b));
    }
  }
  void apply(std::vector<std::string>& tokens) const override {
    std::string bytes, tmp;
    for (const auto& t : tokens) {
      tmp.clear();
      bool ok = true;
      for (std::size_t i = 0; i < t.size() && ok;) {
        const auto it = back_.find(uni::next(t, i));
        if (it == back_.end()) ok = false;
        else tmp += it->second;
      }
      bytes += ok ? tmp : t;  // a token outside the byte alphabet (an added token) is kept as is
    }
    std::string out;
    uni::sanitize(bytes, out);  // like String::from_utf8_lossy
    tokens.assign(1, std::move(out));
  }

 private:
  std::unordered_map<char32_t, char> back_;
};

class WordPieceDecoder : public Decoder {
 public:
  WordPieceDecoder(std::string p, bool c) : prefix_(std::move(p)), cleanup_(c) {}
  void apply(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      if (i != 0) {
        if (t.compare(0, prefix_.size(), prefix_) == 0) t.erase(0, prefix_.size());
        else t.insert(0, " ");
      }
      if (cleanup_) clean(t);
    }
  }

 private:
  static void replaceAll(std::string& s, const std::string& a, const std::string& b) {
    for (std::size_t p = s.find(a); p != std::string::npos; p = s.find(a, p + b.size())) s.replace(p, a.size(), b);
  }
  static void clean(std::string& t) {
    static const std::pair<std::string, std::string> kRules[] = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"}, {" 'm", "'m"},
        {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [a, b] : kRules) replaceAll(t, a, b);
  }
  std::string prefix_;
  bool cleanup_;
};

class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(std::string r, bool stripFirst) : r_(std::move(r)), stripFirst_(stripFirst) {
    if (r_.empty()) fail("Metaspace decoder: empty replacement");  // matching it would never advance
  }
  void apply(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (std::size_t p = 0; p < t.size();) {
        if (t.compare(p, r_.size(), r_) == 0) {
          if (!(i == 0 && stripFirst_)) out += ' ';
          p += r_.size();
        } else {
          out += t[p++];
        }
      }
      tokens[i].swap(out);
    }
  }

 private:
  std::string r_;
  bool stripFirst_;
};

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(std::string p, std::string c) : p_(std::move(p)), c_(std::move(c)) {
    if (p_.empty()) fail("Replace decoder: empty pattern");
  }
  void apply(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens)
      for (std::size_t p = t.find(p_); p != std::string::npos; p = t.find(p_, p + c_.size())) t.replace(p, p_.size(), c_);
  }

 private:
  std::string p_, c_;
};

int hexByte(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  auto h = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  const int a = h(t[3]), b = h(t[4]);
  return a < 0 || b < 0 ? -1 : a * 16 + b;
}

class ByteFallbackDecoder : public Decoder {
 public:
  void apply(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending, tmp;
    auto flush = [&] {
      if (pending.empty()) return;
      if (uni::sanitize(pending, tmp)) out.push_back(pending);
      else for (std::size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
      pending.clear();
    };
    for (auto& t : tokens) {
      const int b = hexByte(t);
      if (b >= 0) { pending += static_cast<char>(b); continue; }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens.swap(out);
  }
};

class FuseDecoder : public Decoder {
 public:
  void apply(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class StripDecoder : public Decoder {
 public:
  StripDecoder(std::string c, std::size_t a, std::size_t b) : c_(std::move(c)), start_(a), stop_(b) {}
  void apply(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) {
      for (std::size_t k = 0; k < start_ && t.compare(0, c_.size(), c_) == 0; ++k) t.erase(0, c_.size());
      for (std::size_t k = 0; k < stop_ && t.size() >= c_.size() && t.compare(t.size() - c_.size(), c_.size(), c_) == 0; ++k)
        t.resize(t.size() - c_.size());
    }
  }

 private:
  std::string c_;
  std::size_t start_, stop_;
};

}  // namespace

std::unique_ptr<Decoder> makeByteLevelDecoder() { return std::make_unique<ByteLevelDecoder>(); }
std::unique_ptr<Decoder> makeWordPieceDecoder(std::string p, bool c) { return std::make_unique<WordPieceDecoder>(std::move(p), c); }
std::unique_ptr<Decoder> makeMetaspaceDecoder(std::string r, bool s) { return std::make_unique<MetaspaceDecoder>(std::move(r), s); }
std::unique_ptr<Decoder> makeReplaceDecoder(std::string p, std::string c) { return std::make_unique<ReplaceDecoder>(std::move(p), std::move(c)); }
std::unique_ptr<Decoder> makeByteFallbackDecoder() { return std::make_unique<ByteFallbackDecoder>(); }
std::unique_ptr<Decoder> makeFuseDecoder() { return std::make_unique<FuseDecoder>(); }
std::unique_ptr<Decoder> makeStripDecoder(std::string c, std::size_t a, std::size_t b) {
  return std::make_unique<StripDecoder>(std::move(c), a, b);
}

}  // namespace weft::tok
