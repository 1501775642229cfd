// audiocraft's token sampling (its LMModel._sample_next_token with utils.sample_top_k /
// sample_top_p), for MusicGen requests under `semantics: "audiocraft"` (docs/SAMPLING.md,
// "audiocraft's rule"). It differs from Weft's own rule (sampling.h) in four places:
//  - top_p > 0 (1.0 included) replaces top_k: the whole vocabulary is a candidate;
//  - top-p sorts float32 probabilities with torch.sort's order (torch_order.h) and keeps every
//    token whose exclusive running sum is <= top_p (so a sum landing exactly on top_p keeps the
//    next token too);
//  - top-k keeps float32 probabilities >= the k-th largest (ties kept);
//  - the draw walks the kept tokens in the order audiocraft hands them to torch.multinomial:
//    sorted order for top-p, ascending id otherwise.
// The arithmetic of Weft's rule (double softmax with weft_exp) is kept, rounded to float32 where
// torch holds float32, so native, WASM and NumPy still agree bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>

#include "weft/rng.h"
#include "weft/sampling.h"

namespace weft {

// One token; `params` gives do_sample, temperature and top_k (its top_p is ignored: `topP` is
// audiocraft's, 0 = off). Draws one uniform from `rng` unless greedy.
std::int32_t sampleTokenAudiocraft(const float* logits, std::size_t vocab, const SamplingParams& params, double topP,
                                   SplitMix64& rng, SamplingScratch& scratch);

}  // namespace weft
