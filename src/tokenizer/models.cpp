// BPE (byte-level GPT-2 and SentencePiece-style with byte fallback) and WordPiece models.
#include <cstdio>
#include <queue>

#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

class VocabIndex {
 public:
  explicit VocabIndex(std::vector<std::string> v) : tokens_(std::move(v)) {
    ids_.reserve(tokens_.size() * 2);
    for (std::size_t i = 0; i < tokens_.size(); ++i) ids_.emplace(tokens_[i], static_cast<std::int32_t>(i));
  }
  std::int32_t find(std::string_view t) const {
    const auto it = ids_.find(std::string(t));
    return it == ids_.end() ? -1 : it->second;
  }
  const std::string* token(std::int32_t id) const {
    return id >= 0 && static_cast<std::size_t>(id) < tokens_.size() ? &tokens_[id] : nullptr;
  }
  std::size_t size() const { return tokens_.size(); }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, std::int32_t> ids_;
};

class Bpe : public Model {
 public:
  explicit Bpe(BpeSpec s) : v_(std::move(s.vocab)), fuseUnk_(s.fuseUnk), byteFallback_(s.byteFallback),
                             ignoreMerges_(s.ignoreMerges) {
    if (!s.continuingPrefix.empty() || !s.endOfWordSuffix.empty())
      fail("BPE: continuing_subword_prefix / end_of_word_suffix are not supported");
    if (!s.unk.empty()) {
      unk_ = v_.find(s.unk);
      if (unk_ < 0) fail("BPE: unk_token '" + s.unk + "' is not in the vocabulary");
    }
    merges_.reserve(s.merges.size() * 2);
    for (std::size_t r = 0; r < s.merges.size(); ++r) {
      const auto& [a, b] = s.merges[r];
      const std::int32_t ia = v_.find(a), ib = v_.find(b), im = v_.find(a + b);
      const std::string where = "BPE: merges[" + std::to_string(r) + "] ('" + a + "' '" + b + "')";
      if (ia < 0) fail(where + " names unknown token '" + a + "'");
      if (ib < 0) fail(where + " names unknown token '" + b + "'");
      if (im < 0) fail(where + ": the merged token '" + a + b + "' is not in the vocabulary");
      merges_.emplace(key(ia, ib), std::pair<std::int32_t, std::int32_t>(static_cast<std::int32_t>(r), im));
    }
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      bytes_[b] = v_.find(name);
    }
  }
  void encodeWord(std::string_view w, Ids& out) const override {
    if (w.size() <= kCacheMaxWord) {
      const auto it = cache_.find(std::string(w));
      if (it != cache_.end()) { out.insert(out.end(), it->second.begin(), it->second.end()); return; }
    }
    const std::size_t start = out.size();
    run(w, out);
    if (w.size() <= kCacheMaxWord) {
      if (cache_.size() > 200000) cache_.clear();
      cache_.emplace(std::string(w), Ids(out.begin() + static_cast<std::ptrdiff_t>(start), out.end()));
    }
  }
  std::int32_t tokenToId(std::string_view t) const override { return v_.find(t); }
  const std::string* idToToken(std::int32_t id) const override { return v_.token(id); }
  std::size_t size() const override { return v_.size(); }
  const char* type() const override { return "BPE"; }

 private:
  static constexpr std::size_t kCacheMaxWord = 64;
  static std::uint64_t key(std::int32_t a, std::int32_t b) {
    return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
  }
  struct Sym { std::int32_t id, prev, next; };

  void run(std::string_view w, Ids& out) const {
    if (ignoreMerges_) {
      const std::int32_t id = v_.find(w);
      if (id >= 0) { out.push_back(id); return; }
    }
    std::vector<Sym> sym;
    sym.reserve(w.size());
    bool lastUnk = false;
    for (std::size_t i = 0; i < w.size();) {
      const std::size_t n = uni::charLen(static_cast<unsigned char>(w[i]));
      const std::int32_t id = v_.find(w.substr(i, n));
      if (id >= 0) {
        sym.push_back({id, 0, 0});
        lastUnk = false;
      } else if (byteFallback_ && [&] { for (std::size_t k = 0; k < n; ++k) if (bytes_[static_cast<unsigned char>(w[i + k])] < 0) return false; return true; }()) {
        for (std::size_t k = 0; k < n; ++k) sym.push_back({bytes_[static_cast<unsigned char>(w[i + k])], 0, 0});
        lastUnk = false;
      } else if (unk_ >= 0) {
        if (!(fuseUnk_ && lastUnk)) sym.push_back({unk_, 0, 0});
        lastUnk = true;
      }
      i += n;
    }
    const std::int32_t n = static_cast<std::int32_t>(sym.size());
    for (std::int32_t i = 0; i < n; ++i) { sym[i].prev = i - 1; sym[i].next = i + 1 < n ? i + 1 : -1; }
    // Lowest rank first, then leftmost (as Hugging Face's heap orders its merges).
    struct Cand { std::int32_t rank, pos, newId; };
    auto cmp = [](const Cand& a, const Cand& b) { return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos; };
    std::priority_queue<Cand, std::vector<Cand>, decltype(cmp)> q(cmp);
    auto push = [&](std::int32_t pos) {
      if (pos < 0 || sym[pos].next < 0) return;
      const auto it = merges_.find(key(sym[pos].id, sym[sym[pos].next].id));
      if (it != merges_.end()) q.push({it->second.first, pos, it->second.second});
    };
    for (std::int32_t i = 0; i + 1 < n; ++i) push(i);
    std::vector<char> dead(sym.size(), 0);
    while (!q.empty()) {
      const Cand c = q.top();
      q.pop();
      if (dead[c.pos] || sym[c.pos].next < 0) continue;
      const std::int32_t r = sym[c.pos].next;
      const auto it = merges_.find(key(sym[c.pos].id, sym[r].id));
      if (it == merges_.end() || it->second.second != c.newId) continue;  // stale entry
      sym[c.pos].id = c.newId;
      sym[c.pos].next = sym[r].next;
      if (sym[r].next >= 0) sym[sym[r].next].prev = c.pos;
      dead[r] = 1;
      push(sym[c.pos].prev);
      push(c.pos);
    }
    for (std::int32_t i = n ? 0 : -1; i >= 0; i = sym[i].next) out.push_back(sym[i].id);
  }

  VocabIndex v_;
  std::unordered_map<std::uint64_t, std::pair<std::int32_t, std::int32_t>> merges_;  // → (rank, id)
  std::int32_t bytes_[256];
  std::int32_t unk_ = -1;
  bool fuseUnk_, byteFallback_, ignoreMerges_;
  mutable std::unordered_map<std::string, Ids> cache_;  // the core is single-threaded per tokenizer
};

class WordPiece : public Model {
 public:
  WordPiece(std::vector<std::string> v, std::string unk, std::string prefix, std::size_t maxChars)
      : v_(std::move(v)), prefix_(std::move(prefix)), maxChars_(maxChars) {
    unk_ = v_.find(unk);
    if (unk_ < 0) fail("WordPiece: unk_token '" + unk + "' is not in the vocabulary");
  }
  void encodeWord(std::string_view w, Ids& out) const override {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < w.size(); i += uni::charLen(static_cast<unsigned char>(w[i]))) ++chars;
    if (chars > maxChars_) { out.push_back(unk_); return; }
    const std::size_t mark = out.size();
    std::string piece;
    for (std::size_t start = 0; start < w.size();) {
      std::size_t end = w.size();
      std::int32_t found = -1;
      while (end > start) {
        piece.assign(start ? prefix_ : std::string());
        piece.append(w.substr(start, end - start));
        found = v_.find(piece);
        if (found >= 0) break;
        do --end; while (end > start && (static_cast<unsigned char>(w[end]) & 0xC0) == 0x80);
      }
      if (found < 0) { out.resize(mark); out.push_back(unk_); return; }
      out.push_back(found);
      start = end;
    }
  }
  std::int32_t tokenToId(std::string_view t) const override { return v_.find(t); }
  const std::string* idToToken(std::int32_t id) const override { return v_.token(id); }
  std::size_t size() const override { return v_.size(); }
  const char* type() const override { return "WordPiece"; }

 private:
  VocabIndex v_;
  std::string prefix_;
  std::size_t maxChars_;
  std::int32_t unk_;
};

}  // namespace

std::unique_ptr<Model> makeBpe(BpeSpec s) { return std::make_unique<Bpe>(std::move(s)); }
std::unique_ptr<Model> makeWordPiece(std::vector<std::string> v, std::string unk, std::string p, std::size_t m) {
  return std::make_unique<WordPiece>(std::move(v), std::move(unk), std::move(p), m);
}

}  // namespace weft::tok
