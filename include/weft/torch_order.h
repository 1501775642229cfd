// The order torch.sort(x, descending=True) gives on the CPU, ties included. torch sorts a float
// row with libstdc++'s std::sort (introsort, not stable) on a key-only comparator, so equal values
// come out in an order fixed by that algorithm rather than by index. audiocraft's top-p walks its
// tokens in that order, so reproducing a sampled audiocraft run needs it bit for bit, and a WASM
// build (libc++, a different std::sort) must give the same permutation as the native one: the
// algorithm is therefore written out here (median-of-three quicksort above 16 elements, heapsort
// past a depth of 2 floor(log2 n), a final insertion sort).
#pragma once
#include <cstdint>
#include <vector>

namespace weft {

// Rearranges `order` (indices into `keys`) into descending key order exactly as torch.sort does
// when `order` starts as 0, 1, ..., n - 1.
void torchSortDescending(const float* keys, std::vector<std::int32_t>& order);

}  // namespace weft
