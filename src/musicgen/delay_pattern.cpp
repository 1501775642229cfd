#include "weft/musicgen/delay_pattern.h"

#include <algorithm>
#include <string>

#include "weft/error.h"

namespace weft {

DelayPattern::DelayPattern(const std::vector<std::int64_t>& delays, std::int32_t special, std::int64_t frames,
                           const std::int64_t* prompt, std::int64_t promptFrames)
    : delays_(delays), frames_(frames) {
  if (delays_.empty()) throw Error("delay pattern: needs at least one codebook");
  for (std::int64_t d : delays_)
    if (d < 0) throw Error("delay pattern: delays must be >= 0 but got " + std::to_string(d));
  if (frames < 1) throw Error("delay pattern: needs at least one frame but got " + std::to_string(frames));
  if (promptFrames < 0 || promptFrames > frames)
    throw Error("delay pattern: " + std::to_string(promptFrames) + " prompt frames do not fit in " + std::to_string(frames) + " frames");
  maxDelay_ = *std::max_element(delays_.begin(), delays_.end());
  length_ = frames + maxDelay_ + 1;
  const std::size_t n = delays_.size() * static_cast<std::size_t>(length_);
  seq_.assign(n, kFree);
  fixed_.assign(n, 0);
  firstFree_ = length_;
  for (int q = 0; q < codebooks(); ++q) {
    const std::int64_t d = delays_[static_cast<std::size_t>(q)];
    for (std::int64_t s = 0; s < length_; ++s) {
      const std::int64_t t = s - 1 - d;
      const std::size_t i = index(q, s);
      if (t >= 0 && t < promptFrames) {
        const std::int64_t v = prompt[static_cast<std::size_t>(q) * static_cast<std::size_t>(promptFrames) + static_cast<std::size_t>(t)];
        if (v < 0 || v >= special)
          throw Error("delay pattern: prompt code [" + std::to_string(q) + ", " + std::to_string(t) + "] = " +
                      std::to_string(v) + " is outside [0, " + std::to_string(special) + ")");
        seq_[i] = static_cast<std::int32_t>(v);
        fixed_[i] = 1;
      } else if (t < 0 || t >= frames) {
        seq_[i] = special;
        fixed_[i] = 1;
      } else {
        firstFree_ = std::min(firstFree_, s);
      }
    }
  }
}

std::int32_t DelayPattern::write(int q, std::int64_t s, std::int32_t token) {
  if (q < 0 || q >= codebooks() || s < 0 || s >= length_)
    throw Error("delay pattern: cell [" + std::to_string(q) + ", " + std::to_string(s) + "] is outside [" +
                std::to_string(codebooks()) + ", " + std::to_string(length_) + "]");
  const std::size_t i = index(q, s);
  if (!fixed_[i]) seq_[i] = token;
  return seq_[i];
}

std::int64_t DelayPattern::completeFrames(std::int64_t columns) const {
  return std::max<std::int64_t>(0, std::min(frames_, columns - 1 - maxDelay_));
}

void DelayPattern::revert(std::int64_t from, std::int64_t to, std::int64_t* out) const {
  const std::int64_t n = to - from;
  for (int q = 0; q < codebooks(); ++q)
    for (std::int64_t t = from; t < to; ++t) {
      const std::int32_t v = seq_[index(q, t + 1 + delays_[static_cast<std::size_t>(q)])];
      if (v == kFree) throw Error("delay pattern: frame " + std::to_string(t) + " of codebook " + std::to_string(q) + " is not generated yet");
      out[static_cast<std::size_t>(q) * static_cast<std::size_t>(n) + static_cast<std::size_t>(t - from)] = v;
    }
}

std::vector<std::int32_t> DelayPattern::revert() const {
  std::vector<std::int64_t> wide(delays_.size() * static_cast<std::size_t>(frames_));
  revert(0, frames_, wide.data());
  return std::vector<std::int32_t>(wide.begin(), wide.end());
}

}  // namespace weft
