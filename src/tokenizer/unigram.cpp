// Unigram: Viterbi over a lattice of vocabulary pieces, as sentencepiece's EncodeOptimized and
// Hugging Face's Unigram::encode_optimized do it (same tie-breaking: the first best path found
// wins; an uncovered character becomes <unk> with score min_score - 10; consecutive unknowns
// fuse). The sentencepiece flavour sums in float and skips control / unknown / unused pieces;
// the Hugging Face flavour sums in double over every piece.
#include <cstdio>
#include <limits>

#include "components.h"
#include "unicode.h"

namespace weft::tok {

namespace {

template <class Score>
class Unigram : public Model {
 public:
  explicit Unigram(UnigramSpec s) : spec_(std::move(s)) {
    const auto n = spec_.vocab.size();
    if (spec_.unk < 0 || static_cast<std::size_t>(spec_.unk) >= n)
      fail("Unigram: unk_id " + std::to_string(spec_.unk) + " is outside the vocabulary (size " + std::to_string(n) + ")");
    Score minS = std::numeric_limits<Score>::infinity(), maxS = -minS;
    ids_.reserve(n * 2);
    pieces_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& [piece, score] = spec_.vocab[i];
      ids_.emplace(piece, static_cast<std::int32_t>(i));
      const int t = spec_.sentencepiece ? spec_.pieceTypes[i] : 1;
      pieces_[i] = {static_cast<Score>(score), t == 4};
      if (t == 2 || t == 3 || t == 5) continue;  // unknown / control / unused never match text
      if (piece.empty()) continue;
      trie_.insert(piece, static_cast<std::int32_t>(i));
      if (t == 1 || !spec_.sentencepiece) {
        minS = std::min(minS, static_cast<Score>(score));
        maxS = std::max(maxS, static_cast<Score>(score));
      }
    }
    unkScore_ = minS - static_cast<Score>(10.0);
    maxScore_ = maxS;
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      const auto it = ids_.find(name);
      bytes_[b] = it == ids_.end() ? -1 : it->second;
    }
  }

  void encodeWord(std::string_view w, Ids& out) const override {
    if (w.size() <= 64) {
      const auto it = cache_.find(std::string(w));
      if (it != cache_.end()) { out.insert(out.end(), it->second.begin(), it->second.end()); return; }
    }
    const std::size_t start = out.size();
    viterbi(w, out);
    if (w.size() <= 64) {
      if (cache_.size() > 200000) cache_.clear();
      cache_.emplace(std::string(w), Ids(out.begin() + static_cast<std::ptrdiff_t>(start), out.end()));
    }
  }
  std::int32_t tokenToId(std::string_view t) const override {
    const auto it = ids_.find(std::string(t));
    return it == ids_.end() ? -1 : it->second;
  }
  const std::string* idToToken(std::int32_t id) const override {
    return id >= 0 && static_cast<std::size_t>(id) < spec_.vocab.size() ? &spec_.vocab[id].first : nullptr;
  }
  std::size_t size() const override { return spec_.vocab.size(); }
  const char* type() const override { return "Unigram"; }

 private:
  struct Piece { Score score; bool user; };  // flat copy of what the lattice reads per match
  struct Node { std::int32_t id = -1; Score score = 0; std::int32_t start = -1; };

  void viterbi(std::string_view s, Ids& out) const {
    const std::size_t n = s.size();
    best_.assign(n + 1, Node{});
    for (std::size_t at = 0; at < n;) {
      const Score here = best_[at].score;
      const std::size_t clen = std::min(uni::charLen(static_cast<unsigned char>(s[at])), n - at);
      bool single = false;
      trie_.prefixes(s.substr(at), [&](std::size_t len, std::int32_t id) {
        const Piece& p = pieces_[static_cast<std::size_t>(id)];
        const Score sc = p.user ? static_cast<Score>(len) * maxScore_ - static_cast<Score>(0.1) : p.score;
        Node& tgt = best_[at + len];
        const Score cand = sc + here;
        if (tgt.start < 0 || cand > tgt.score) tgt = {id, cand, static_cast<std::int32_t>(at)};
        if (len == clen) single = true;
      });
      if (!single) {
        Node& tgt = best_[at + clen];
        const Score cand = unkScore_ + here;
        if (tgt.start < 0 || cand > tgt.score) tgt = {spec_.unk, cand, static_cast<std::int32_t>(at)};
      }
      at += clen;
    }
    // Backtrack; runs of unknown pieces fuse into one.
    path_.clear();
    for (std::size_t end = n; end > 0;) {
      const Node& node = best_[end];
      if (node.id == spec_.unk && !path_.empty() && path_.back().id == spec_.unk) {
        path_.back().start = node.start;
      } else {
        path_.push_back({node.id, 0, node.start});
        path_.back().score = static_cast<Score>(end);  // reuse: the piece's end offset
      }
      end = static_cast<std::size_t>(node.start);
    }
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
      if (it->id == spec_.unk && spec_.byteFallback) {
        const auto a = static_cast<std::size_t>(it->start), b = static_cast<std::size_t>(it->score);
        bool ok = true;
        for (std::size_t k = a; k < b; ++k) ok = ok && bytes_[static_cast<unsigned char>(s[k])] >= 0;
        if (ok) {
          for (std::size_t k = a; k < b; ++k) out.push_back(bytes_[static_cast<unsigned char>(s[k])]);
          continue;
        }
      }
      out.push_back(it->id);
    }
  }

  UnigramSpec spec_;
  std::vector<Piece> pieces_;
  Trie trie_;
  std::unordered_map<std::string, std::int32_t> ids_;
  Score unkScore_ = 0, maxScore_ = 0;
  std::int32_t bytes_[256];
  mutable std::vector<Node> best_, path_;
  mutable std::unordered_map<std::string, Ids> cache_;
};

}  // namespace

std::unique_ptr<Model> makeUnigram(UnigramSpec s) {
  if (s.sentencepiece) {
    if (s.pieceTypes.size() != s.vocab.size()) fail("Unigram: piece types do not match the vocabulary");
    return std::make_unique<Unigram<float>>(std::move(s));
  }
  return std::make_unique<Unigram<double>>(std::move(s));
}

}  // namespace weft::tok
