// SentencePiece BPE (model_type 2 of a .model), as sentencepiece's bpe_model.cc encodes: the text
// is cut into characters (a user-defined piece is one frozen symbol that never merges), then the
// adjacent pair whose concatenation is a piece (normal, user-defined or unused) with the highest
// score merges first, ties to the leftmost. A priority queue holds the candidate pairs; a pair is
// stale once either side has changed (its length no longer adds up). Unused pieces are split back
// into the pieces they were merged from. A final symbol that is no piece is unknown: with
// byte_fallback it becomes its <0xNN> byte pieces. Each symbol remembers where its text ends in a
// trie of the mergeable pieces, so a candidate pair costs a walk over the right symbol's bytes.
#include <cstdio>
#include <queue>

#include "components.h"
#include "unicode.h"

namespace weft::tok {
namespace {

enum : std::uint8_t { kNormal = 1, kUnknown = 2, kControl = 3, kUser = 4, kUnused = 5, kByte = 6 };

class SpBpe : public Model {
 public:
  explicit SpBpe(UnigramSpec s) : spec_(std::move(s)) {
    for (std::size_t i = 0; i < spec_.vocab.size(); ++i) addPiece(static_cast<std::int32_t>(i));
    if (unk_ < 0) fail("sentencepiece BPE: no piece of type UNKNOWN");
    shadowed_.assign(spec_.vocab.size(), false);  // mergeable pieces whose text tokenToId finds reserved
    for (const auto& [text, id] : reserved_) {
      if (const auto it = pieces_.find(text); it != pieces_.end()) shadowed_[it->second] = true;
    }
    std::fill(std::begin(bytes_), std::end(bytes_), -1);
    if (!spec_.byteFallback) return;
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      const auto it = reserved_.find(name);
      if (it == reserved_.end() || spec_.pieceTypes[it->second] != kByte)
        fail(std::string("sentencepiece BPE: byte_fallback is set but byte piece ") + name + " is missing");
      bytes_[b] = it->second;
    }
  }

  void encodeWord(std::string_view w, Ids& out) const override {
    if (w.size() > 0x7FFFFFFF) fail("sentencepiece BPE: normalized text of " + std::to_string(w.size()) + " bytes is too long");
    std::vector<Symbol> sym = split(w);
    RevMerge rev;
    merge(w, sym, rev);
    bool prevUnk = false;
    Stack stack;  // shared by the symbols: one allocation per word
    for (std::int32_t i = sym.empty() ? -1 : 0; i >= 0; i = sym[i].next)
      emit(w.substr(sym[i].start, sym[i].len), sym[i].node, rev, prevUnk, stack, out);
  }
  std::int32_t tokenToId(std::string_view t) const override {
    if (const auto it = reserved_.find(t); it != reserved_.end()) return it->second;
    const auto it = pieces_.find(t);
    return it == pieces_.end() ? -1 : it->second;
  }
  const std::string* idToToken(std::int32_t id) const override {
    return id >= 0 && static_cast<std::size_t>(id) < spec_.vocab.size() ? &spec_.vocab[id].first : nullptr;
  }
  std::size_t size() const override { return spec_.vocab.size(); }
  const char* type() const override { return "BPE"; }

 private:
  struct Symbol { std::uint32_t start, len; std::int32_t prev, next; bool freeze; std::uint32_t node; };
  struct Pair {
    float score;
    std::int32_t left, right;
    std::uint32_t size, node;  // node: the merged text's place in mergeable_
    bool operator<(const Pair& o) const { return score < o.score || (score == o.score && left > o.left); }
  };
  using Agenda = std::priority_queue<Pair>;
  using Stack = std::vector<std::pair<std::string_view, std::uint32_t>>;  // text, node in mergeable_
  using RevMerge = std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>>;

  void addPiece(std::int32_t id) {
    const std::string& p = spec_.vocab[id].first;
    const std::uint8_t t = spec_.pieceTypes[id];
    if (p.empty()) fail("sentencepiece BPE: piece " + std::to_string(id) + " is empty");
    const bool normal = t == kNormal || t == kUser || t == kUnused;
    if (!(normal ? pieces_ : reserved_).emplace(p, id).second)
      fail("sentencepiece BPE: piece '" + p + "' is defined twice");
    if (normal) mergeable_.insert(p, id);
    if (t == kUser) user_.insert(p, id);
    if (t == kUnknown) {
      if (unk_ >= 0) fail("sentencepiece BPE: more than one piece of type UNKNOWN");
      unk_ = id;
    }
  }

  // One symbol per character, or per user-defined piece (longest match, frozen).
  std::vector<Symbol> split(std::string_view w) const {
    std::vector<Symbol> sym;
    sym.reserve(w.size());
    for (std::size_t at = 0; at < w.size();) {
      std::size_t len = 0;
      user_.prefixes(w.substr(at), [&](std::size_t n, std::int32_t) { len = n; });
      const bool freeze = len > 0;
      if (!freeze) len = std::min(w.size() - at, uni::charLen(static_cast<unsigned char>(w[at])));
      const auto idx = static_cast<std::int32_t>(sym.size());
      sym.push_back({static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(len), idx - 1, -1, freeze,
                     mergeable_.walk(Trie::kRoot, w.substr(at, len))});
      if (idx > 0) sym[idx - 1].next = idx;
      at += len;
    }
    return sym;
  }

  void push(std::string_view w, const std::vector<Symbol>& sym, std::int32_t l, std::int32_t r, Agenda& agenda,
            RevMerge& rev) const {
    if (l < 0 || r < 0 || sym[l].freeze || sym[r].freeze) return;
    const std::uint32_t node = mergeable_.walk(sym[l].node, w.substr(sym[r].start, sym[r].len));
    const std::int32_t id = mergeable_.valueAt(node);
    if (id < 0) return;
    const std::string_view piece = w.substr(sym[l].start, sym[l].len + sym[r].len);
    agenda.push({static_cast<float>(spec_.vocab[id].second), l, r, static_cast<std::uint32_t>(piece.size()), node});
    if (spec_.pieceTypes[id] == kUnused)
      rev[piece] = {w.substr(sym[l].start, sym[l].len), w.substr(sym[r].start, sym[r].len)};
  }

  void merge(std::string_view w, std::vector<Symbol>& sym, RevMerge& rev) const {
    Agenda agenda;
    for (std::size_t i = 1; i < sym.size(); ++i)
      push(w, sym, static_cast<std::int32_t>(i - 1), static_cast<std::int32_t>(i), agenda, rev);
    while (!agenda.empty()) {
      const Pair top = agenda.top();
      agenda.pop();
      Symbol& l = sym[top.left];
      Symbol& r = sym[top.right];
      if (l.len == 0 || r.len == 0 || l.len + r.len != top.size) continue;  // stale
      l.len += r.len;
      l.node = top.node;
      l.next = r.next;
      if (r.next >= 0) sym[r.next].prev = top.left;
      r.len = 0;
      push(w, sym, l.prev, top.left, agenda, rev);
      push(w, sym, top.left, l.next, agenda, rev);
    }
  }

  // A final symbol → ids: unused pieces split back into their halves; unknown text to bytes, or
  // (without byte fallback) one unknown id per run of unknown pieces.
  void emit(std::string_view piece, std::uint32_t node, const RevMerge& rev, bool& prevUnk, Stack& stack,
            Ids& out) const {
    stack.assign(1, {piece, node});
    while (!stack.empty()) {
      const auto [p, at] = stack.back();
      stack.pop_back();
      const std::int32_t known = mergeable_.valueAt(at);  // tokenToId without hashing, unless shadowed
      std::int32_t id = known >= 0 && !shadowed_[known] ? known : tokenToId(p);
      if (id < 0) id = unk_;
      if (spec_.pieceTypes[id] == kUnused) {
        const auto it = rev.find(p);
        if (it != rev.end()) {
          stack.push_back({it->second.second, Trie::kNone});
          stack.push_back({it->second.first, Trie::kNone});
          continue;
        }
      }
      if (id == unk_ && spec_.byteFallback) {
        for (char b : p) out.push_back(bytes_[static_cast<unsigned char>(b)]);
      } else if (!(id == unk_ && prevUnk)) {
        out.push_back(id);
      }
      prevUnk = id == unk_;
    }
  }

  UnigramSpec spec_;
  std::unordered_map<std::string_view, std::int32_t> pieces_, reserved_;
  Trie mergeable_, user_;  // mergeable_: the pieces of pieces_
  std::vector<bool> shadowed_;
  std::int32_t unk_ = -1;
  std::int32_t bytes_[256];
};

}  // namespace

std::unique_ptr<Model> makeSentencePieceBpe(UnigramSpec s) {
  if (s.pieceTypes.size() != s.vocab.size()) fail("sentencepiece BPE: piece types do not match the vocabulary");
  return std::make_unique<SpBpe>(std::move(s));
}

}  // namespace weft::tok
