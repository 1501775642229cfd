#include "weft/musicgen/audiocraft_sampling.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "weft/error.h"
#include "weft/exp.h"
#include "weft/torch_order.h"

namespace weft {

namespace {

// softmax(logits / temperature) as float32 probabilities, in `probs` (indexed by token id).
void probabilities(const std::vector<double>& l, double temperature, std::vector<float>& probs, std::vector<double>& z) {
  const std::size_t V = l.size();
  z.resize(V);
  double m = l[0] / temperature;
  for (std::size_t i = 0; i < V; ++i) {
    z[i] = l[i] / temperature;
    m = std::max(m, z[i]);
  }
  double S = 0.0;
  for (std::size_t i = 0; i < V; ++i) S += z[i] = weft_exp(z[i] - m);
  probs.resize(V);
  for (std::size_t i = 0; i < V; ++i) probs[i] = static_cast<float>(z[i] / S);
}

// sample_top_p: sorted descending, cumsum accumulated in double and stored as float32 (torch's
// CPU cumsum), token removed when float32(cumsum - p) > top_p.
void keepTopP(const std::vector<float>& probs, double topP, std::vector<std::int32_t>& kept) {
  kept.resize(probs.size());
  for (std::size_t i = 0; i < kept.size(); ++i) kept[i] = static_cast<std::int32_t>(i);
  torchSortDescending(probs.data(), kept);
  const float p = static_cast<float>(topP);
  double acc = 0.0;
  std::size_t n = 0;
  for (; n < kept.size(); ++n) {
    const float pi = probs[kept[n]];
    acc += pi;
    if (static_cast<float>(static_cast<float>(acc) - pi) > p) break;  // exclusive sums only grow
  }
  kept.resize(n);
}

// sample_top_k: probabilities >= the k-th largest, in id order.
void keepTopK(const std::vector<float>& probs, std::int64_t k, std::vector<std::int32_t>& kept, std::vector<double>& scratch) {
  kept.clear();
  if (k <= 0 || k >= static_cast<std::int64_t>(probs.size())) {
    for (std::size_t i = 0; i < probs.size(); ++i) kept.push_back(static_cast<std::int32_t>(i));
    return;
  }
  scratch.assign(probs.begin(), probs.end());
  auto kth = scratch.begin() + (k - 1);
  std::nth_element(scratch.begin(), kth, scratch.end(), std::greater<double>());
  const float t = static_cast<float>(*kth);
  for (std::size_t i = 0; i < probs.size(); ++i)
    if (probs[i] >= t) kept.push_back(static_cast<std::int32_t>(i));
}

// torch.multinomial replaced by Weft's draw: the inverse CDF over the kept tokens in their order.
std::int32_t draw(double u, const std::vector<float>& probs, const std::vector<std::int32_t>& kept) {
  double total = 0.0;
  for (std::int32_t i : kept) total += probs[i];
  const double target = u * total;
  double C = 0.0;
  std::int32_t last = kept.front();
  for (std::int32_t i : kept) {
    if (probs[i] <= 0.0f) continue;
    C += probs[i];
    last = i;
    if (C > target) return i;
  }
  return last;
}

}  // namespace

std::int32_t sampleTokenAudiocraft(const float* logits, std::size_t vocab, const SamplingParams& params, double topP,
                                   SplitMix64& rng, SamplingScratch& s) {
  if (vocab == 0) throw Error("cannot sample from an empty row of logits");
  checkedLogits(logits, vocab, s.logits);
  if (params.greedy()) {  // torch.argmax: the first index holding the maximum
    std::size_t best = 0;
    for (std::size_t i = 1; i < vocab; ++i)
      if (s.logits[i] > s.logits[best]) best = i;
    return static_cast<std::int32_t>(best);
  }
  std::vector<float>& probs = s.probs32;
  probabilities(s.logits, params.temperature, probs, s.weights);
  if (topP > 0.0) keepTopP(probs, topP, s.kept);
  else keepTopK(probs, params.top_k, s.kept, s.weights);
  return draw(rng.uniform(), probs, s.kept);
}

}  // namespace weft
