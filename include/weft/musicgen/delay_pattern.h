// MusicGen's codebook delay pattern (transformers' build_delay_pattern_mask, audiocraft's
// "delay" CodebooksPatternProvider): codebook q is delayed by delays[q] steps behind one leading
// start step, so the sequence has S = T + max(delays) + 1 columns for T frames:
//   seq[q, s] = codes[q, s - 1 - delays[q]]  where that frame exists,
//   special   where s <= delays[q] (leading triangle) or s > T + delays[q] (trailing one),
//   free      everywhere else (the model predicts it).
// Prompt cells and special cells are fixed: write() only fills free cells, so a prediction never
// overwrites a prompt token inside the delay tail. revert() reads codes[q, t] = seq[q, t+1+d_q].
#pragma once
#include <cstdint>
#include <vector>

namespace weft {

class DelayPattern {
 public:
  // prompt: [codebooks, promptFrames] row-major (nullptr when promptFrames is 0); frames is the
  // total T including the prompt. Throws weft::Error on inconsistent sizes.
  DelayPattern(const std::vector<std::int64_t>& delays, std::int32_t special, std::int64_t frames,
               const std::int64_t* prompt, std::int64_t promptFrames);

  int codebooks() const { return static_cast<int>(delays_.size()); }
  std::int64_t length() const { return length_; }        // S = T + max delay + 1
  // The first column holding a free cell: the prefill covers [0, firstFree()), and the first
  // prediction lands there.
  std::int64_t firstFree() const { return firstFree_; }

  std::int32_t at(int q, std::int64_t s) const { return seq_[index(q, s)]; }
  bool fixed(int q, std::int64_t s) const { return fixed_[index(q, s)] != 0; }
  // Sets a free cell; fixed cells keep their value. Returns the value the cell now holds.
  std::int32_t write(int q, std::int64_t s, std::int32_t token);

  // Frames whose every codebook lies in columns [0, columns): complete once those are final.
  std::int64_t completeFrames(std::int64_t columns) const;
  // codes[q, t] for t in [from, to) into out ([codebooks, to - from] row-major).
  void revert(std::int64_t from, std::int64_t to, std::int64_t* out) const;
  std::vector<std::int32_t> revert() const;  // [codebooks, T]

  static constexpr std::int32_t kFree = -1;

 private:
  std::size_t index(int q, std::int64_t s) const {
    return static_cast<std::size_t>(q) * static_cast<std::size_t>(length_) + static_cast<std::size_t>(s);
  }
  std::vector<std::int64_t> delays_;
  std::int64_t frames_ = 0, length_ = 0, maxDelay_ = 0, firstFree_ = 0;
  std::vector<std::int32_t> seq_;
  std::vector<std::uint8_t> fixed_;
};

}  // namespace weft
