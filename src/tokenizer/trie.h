// A byte trie over token strings (Unigram lattices, user-defined pieces, added tokens), laid out
// flat for the per-byte walk a lattice does from every position: the root's children sit in a
// 256-entry table, every other node's in one sorted run of (byte, child) in shared arrays, so a
// step is an index or a short scan instead of a hash lookup. Inserts may come at any time (added
// tokens can be registered after encoding started): a node whose run is full moves it to the end
// with twice the room. Written here rather than taken from darts or a trie library: the core
// needs only insert + common-prefix search and no extra dependency for it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace weft::tok {

class Trie {
 public:
  Trie() { root_.fill(0); }
  void insert(std::string_view key, std::int32_t value);  // the first value of a duplicated key stays
  // Calls f(length, value) for each key that is a prefix of s, shortest first.
  // Resumable walks: the node reached from `node` (kRoot to start) by the bytes of s, or kNone.
  static constexpr std::uint32_t kRoot = 0, kNone = 0xFFFFFFFF;
  std::uint32_t walk(std::uint32_t node, std::string_view s) const {
    for (std::size_t i = 0; i < s.size() && node != kNone; ++i) {
      const auto byte = static_cast<unsigned char>(s[i]);
      const std::uint32_t next = node == kRoot ? root_[byte] : child(node, byte);
      node = next == 0 ? kNone : next;
    }
    return node;
  }
  std::int32_t valueAt(std::uint32_t node) const { return node == kNone ? -1 : nodes_[node].value; }

  template <class F>
  void prefixes(std::string_view s, F&& f) const {
    if (s.empty()) return;
    std::uint32_t node = root_[static_cast<unsigned char>(s[0])];
    for (std::size_t i = 1; node != 0; ++i) {
      if (nodes_[node].value >= 0) f(i, nodes_[node].value);
      if (i == s.size()) return;
      node = child(node, static_cast<unsigned char>(s[i]));
    }
  }

 private:
  struct Node {
    std::int32_t value = -1;
    std::uint32_t begin = 0;      // first slot of the children's run in labels_ / targets_
    std::uint16_t count = 0, room = 0;
  };
  std::uint32_t child(std::uint32_t node, unsigned char byte) const {
    const Node& n = nodes_[node];
    const unsigned char* first = labels_.data() + n.begin;
    const unsigned char* last = first + n.count;
    const unsigned char* at = first;
    if (n.count > 8) {
      at = std::lower_bound(first, last, byte);
    } else {
      while (at != last && *at < byte) ++at;
    }
    return at != last && *at == byte ? targets_[n.begin + static_cast<std::uint32_t>(at - first)] : 0;
  }
  std::uint32_t addChild(std::uint32_t node, unsigned char byte);

  std::array<std::uint32_t, 256> root_;  // child of the root per first byte; 0 = none
  std::vector<Node> nodes_{Node{}};      // node 0 is the root
  std::vector<unsigned char> labels_;
  std::vector<std::uint32_t> targets_;
};

}  // namespace weft::tok
