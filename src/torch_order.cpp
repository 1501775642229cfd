#include "weft/torch_order.h"

#include <utility>

namespace weft {

namespace {

constexpr std::ptrdiff_t kInsertionThreshold = 16;

// Sorts an index array by its keys, descending; "before(a, b)" is the comparator torch hands
// std::sort (a's key greater than b's).
class Introsort {
 public:
  Introsort(const float* keys, std::int32_t* v) : keys_(keys), v_(v) {}

  void sort(std::ptrdiff_t n) {
    if (n < 2) return;
    std::ptrdiff_t depth = 0;
    for (std::ptrdiff_t m = n; m > 1; m >>= 1) ++depth;  // floor(log2 n)
    loop(0, n, 2 * depth);
    finalInsertion(0, n);
  }

 private:
  bool before(std::int32_t a, std::int32_t b) const { return keys_[a] > keys_[b]; }

  void loop(std::ptrdiff_t first, std::ptrdiff_t last, std::ptrdiff_t depth) {
    while (last - first > kInsertionThreshold) {
      if (depth == 0) {
        heapSort(first, last);
        return;
      }
      --depth;
      const std::ptrdiff_t cut = partitionPivot(first, last);
      loop(cut, last, depth);
      last = cut;
    }
  }

  std::ptrdiff_t partitionPivot(std::ptrdiff_t first, std::ptrdiff_t last) {
    const std::ptrdiff_t mid = first + (last - first) / 2;
    medianToFirst(first, first + 1, mid, last - 1);
    return partition(first + 1, last, first);
  }

  // The median of a, b, c swapped into `result`.
  void medianToFirst(std::ptrdiff_t result, std::ptrdiff_t a, std::ptrdiff_t b, std::ptrdiff_t c) {
    std::ptrdiff_t pick;
    if (before(v_[a], v_[b])) {
      pick = before(v_[b], v_[c]) ? b : before(v_[a], v_[c]) ? c : a;
    } else {
      pick = before(v_[a], v_[c]) ? a : before(v_[b], v_[c]) ? c : b;
    }
    std::swap(v_[result], v_[pick]);
  }

  std::ptrdiff_t partition(std::ptrdiff_t first, std::ptrdiff_t last, std::ptrdiff_t pivot) {
    for (;;) {
      while (before(v_[first], v_[pivot])) ++first;
      --last;
      while (before(v_[pivot], v_[last])) --last;
      if (!(first < last)) return first;
      std::swap(v_[first], v_[last]);
      ++first;
    }
  }

  void finalInsertion(std::ptrdiff_t first, std::ptrdiff_t last) {
    if (last - first > kInsertionThreshold) {
      insertion(first, first + kInsertionThreshold);
      for (std::ptrdiff_t i = first + kInsertionThreshold; i < last; ++i) linearInsert(i);
    } else {
      insertion(first, last);
    }
  }

  void insertion(std::ptrdiff_t first, std::ptrdiff_t last) {
    if (first == last) return;
    for (std::ptrdiff_t i = first + 1; i < last; ++i) {
      if (before(v_[i], v_[first])) {
        const std::int32_t value = v_[i];
        for (std::ptrdiff_t j = i; j > first; --j) v_[j] = v_[j - 1];
        v_[first] = value;
      } else {
        linearInsert(i);
      }
    }
  }

  // Moves v_[last] down past every element it goes before (a smaller one stops it first).
  void linearInsert(std::ptrdiff_t last) {
    const std::int32_t value = v_[last];
    std::ptrdiff_t next = last - 1;
    while (before(value, v_[next])) {
      v_[last] = v_[next];
      last = next;
      --next;
    }
    v_[last] = value;
  }

  // Heapsort of [first, last): make the heap, then pop it from the back.
  void heapSort(std::ptrdiff_t first, std::ptrdiff_t last) {
    const std::ptrdiff_t len = last - first;
    if (len >= 2) {
      for (std::ptrdiff_t parent = (len - 2) / 2;; --parent) {
        adjust(first, parent, len, v_[first + parent]);
        if (parent == 0) break;
      }
    }
    for (std::ptrdiff_t end = last; end - first > 1;) {
      --end;
      const std::int32_t value = v_[end];
      v_[end] = v_[first];
      adjust(first, 0, end - first, value);
    }
  }

  // Sifts the hole at `hole` down to a leaf, then pushes `value` up from there.
  void adjust(std::ptrdiff_t base, std::ptrdiff_t hole, std::ptrdiff_t len, std::int32_t value) {
    const std::ptrdiff_t top = hole;
    std::ptrdiff_t child = hole;
    while (child < (len - 1) / 2) {
      child = 2 * (child + 1);
      if (before(v_[base + child], v_[base + child - 1])) --child;
      v_[base + hole] = v_[base + child];
      hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
      child = 2 * (child + 1);
      v_[base + hole] = v_[base + child - 1];
      hole = child - 1;
    }
    std::ptrdiff_t parent = (hole - 1) / 2;
    while (hole > top && before(v_[base + parent], value)) {
      v_[base + hole] = v_[base + parent];
      hole = parent;
      parent = (hole - 1) / 2;
    }
    v_[base + hole] = value;
  }

  const float* keys_;
  std::int32_t* v_;
};

}  // namespace

void torchSortDescending(const float* keys, std::vector<std::int32_t>& order) {
  Introsort(keys, order.data()).sort(static_cast<std::ptrdiff_t>(order.size()));
}

}  // namespace weft
