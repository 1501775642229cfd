// audiocraft's generation windows, torch.sort's order and audiocraft's sampling rule.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "weft/error.h"
#include "weft/musicgen/audiocraft_sampling.h"
#include "weft/musicgen/windows.h"
#include "weft/torch_order.h"

using weft::GenerationWindow;

namespace {

std::vector<std::vector<std::int64_t>> rows(const std::vector<GenerationWindow>& ws) {
  std::vector<std::vector<std::int64_t>> r;
  for (const GenerationWindow& w : ws) r.push_back({w.offset, w.frames, w.promptFrames});
  return r;
}

}  // namespace

TEST_CASE("windows follow audiocraft's _generate_tokens arithmetic") {
  using V = std::vector<std::vector<std::int64_t>>;
  // One window up to max_duration, whatever the stride.
  CHECK(rows(weft::generationWindows(30.0, 1500, 0, 30.0, 18.0, 50)) == V{{0, 1500, 0}});
  // 35 s: 30 s, then 17 s prompted with the last 12 s (600 frames) of the first window.
  CHECK(rows(weft::generationWindows(35.0, 1750, 0, 30.0, 18.0, 50)) == V{{0, 1500, 0}, {900, 850, 600}});
  // 60 s: three windows; the last one holds 24 s.
  CHECK(rows(weft::generationWindows(60.0, 3000, 0, 30.0, 18.0, 50)) == V{{0, 1500, 0}, {900, 1500, 600}, {1800, 1200, 600}});
  // A 5 s prompt continued to 35 s: the first window starts from it.
  CHECK(rows(weft::generationWindows(35.0, 1750, 250, 30.0, 18.0, 50)) == V{{0, 1500, 250}, {900, 850, 600}});
  // Every song frame is generated once: windows tile the song.
  for (double seconds : {31.0, 47.3, 90.0, 121.7}) {
    const auto T = static_cast<std::int64_t>(seconds * 50);
    const auto ws = weft::generationWindows(seconds, T, 0, 30.0, 18.0, 50);
    std::int64_t song = 0;
    for (const GenerationWindow& w : ws) {
      CHECK(w.offset + w.promptFrames == song);
      song += w.frames - w.promptFrames;
    }
    CHECK(song == (seconds == 47.3 ? T - 1 : T));  // 47.3: (47.3 - 18) * 50 truncates to 1464
  }
}

TEST_CASE("a prompt that fills the first window is refused") {
  CHECK_THROWS_AS(weft::generationWindows(35.0, 1750, 1500, 30.0, 18.0, 50), weft::Error);
  CHECK_THROWS_AS(weft::generationWindows(60.0, 3000, 1750, 30.0, 18.0, 50), weft::Error);
}

TEST_CASE("torchSortDescending gives std::sort's order on a key-only comparator, ties included") {
  // torch.sort(descending=True) on the CPU is libstdc++'s std::sort on (value, index) pairs with
  // a comparator on the value only; this build's std::sort is libstdc++'s.
  std::mt19937 gen(3);
  for (int n : {1, 2, 15, 16, 17, 33, 100, 2049, 5000}) {
    for (int trial = 0; trial < 6; ++trial) {
      std::vector<float> keys(static_cast<std::size_t>(n));
      std::uniform_int_distribution<int> level(0, trial < 3 ? 3 : 1000);
      for (float& k : keys) k = static_cast<float>(level(gen)) * 0.25f;
      if (trial == 5) std::sort(keys.begin(), keys.end());  // ascending input: deep recursion, heapsort
      std::vector<std::int32_t> want(keys.size()), got(keys.size());
      std::iota(want.begin(), want.end(), 0);
      std::iota(got.begin(), got.end(), 0);
      std::sort(want.begin(), want.end(), [&](std::int32_t a, std::int32_t b) { return keys[a] > keys[b]; });
      weft::torchSortDescending(keys.data(), got);
      CHECK(got == want);
    }
  }
}

TEST_CASE("audiocraft's top-p keeps the token whose exclusive sum equals top_p") {
  // Four equal logits: probabilities 0.25 each; exclusive sums 0, .25, .5, .75. audiocraft keeps
  // sums <= 0.5 (three tokens); Weft's own rule stops where the inclusive sum reaches 0.5 (two).
  const std::vector<float> logits(4, 1.0f);
  weft::SamplingParams p;
  p.do_sample = true;
  weft::SamplingScratch scratch;
  std::set<std::int32_t> drawn;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    weft::SplitMix64 rng(seed);
    drawn.insert(weft::sampleTokenAudiocraft(logits.data(), logits.size(), p, 0.5, rng, scratch));
  }
  CHECK(drawn == std::set<std::int32_t>{0, 1, 2});
  std::set<std::int32_t> own;
  p.top_p = 0.5;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    weft::SplitMix64 rng(seed);
    own.insert(weft::sampleToken(logits.data(), logits.size(), p, {}, rng, scratch));
  }
  CHECK(own == std::set<std::int32_t>{0, 1});
}

TEST_CASE("audiocraft's top_p = 1 samples the whole vocabulary, top_k ignored") {
  std::vector<float> logits(64);
  for (std::size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>(i % 8) * 0.1f;
  weft::SamplingParams p;
  p.do_sample = true;
  p.top_k = 2;
  weft::SamplingScratch scratch;
  std::set<std::int32_t> withP, withK;
  for (std::uint64_t seed = 0; seed < 3000; ++seed) {
    weft::SplitMix64 a(seed), b(seed);
    withP.insert(weft::sampleTokenAudiocraft(logits.data(), logits.size(), p, 1.0, a, scratch));
    withK.insert(weft::sampleTokenAudiocraft(logits.data(), logits.size(), p, 0.0, b, scratch));
  }
  CHECK(withP.size() == 64);
  CHECK(withK == std::set<std::int32_t>{7, 15, 23, 31, 39, 47, 55, 63});  // top-k keeps every tie of the 2nd value
}
