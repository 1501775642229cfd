// Byte trie: see trie.h.
#include "trie.h"

#include <algorithm>

namespace weft::tok {

std::uint32_t Trie::addChild(std::uint32_t node, unsigned char byte) {
  const auto next = static_cast<std::uint32_t>(nodes_.size());
  nodes_.emplace_back();
  if (node == 0) return root_[byte] = next;
  Node& n = nodes_[node];
  if (n.count == n.room) {  // move the run to the end with twice the room
    const auto begin = static_cast<std::uint32_t>(labels_.size());
    n.room = static_cast<std::uint16_t>(std::max(1, std::min(256, n.room * 2)));
    labels_.resize(begin + n.room);
    targets_.resize(begin + n.room);
    std::copy_n(labels_.begin() + n.begin, n.count, labels_.begin() + begin);
    std::copy_n(targets_.begin() + n.begin, n.count, targets_.begin() + begin);
    n.begin = begin;
  }
  const auto first = labels_.begin() + n.begin;
  const auto at = static_cast<std::uint32_t>(std::lower_bound(first, first + n.count, byte) - first);
  std::copy_backward(first + at, first + n.count, first + n.count + 1);
  const auto t = targets_.begin() + n.begin;
  std::copy_backward(t + at, t + n.count, t + n.count + 1);
  first[at] = byte;
  t[at] = next;
  ++n.count;
  return next;
}

void Trie::insert(std::string_view key, std::int32_t value) {
  if (key.empty()) return;  // matches nothing
  std::uint32_t node = 0;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto byte = static_cast<unsigned char>(key[i]);
    const std::uint32_t found = i == 0 ? root_[byte] : child(node, byte);
    node = found != 0 ? found : addChild(node, byte);
  }
  if (nodes_[node].value < 0) nodes_[node].value = value;
}

}  // namespace weft::tok
