#include "weft/musicgen/stream_decode.h"

#include <algorithm>
#include <string>

#include "weft/error.h"

namespace weft {

StreamDecoder::StreamDecoder(const StreamWindows& w, std::int64_t frames, std::int64_t hop, std::int64_t batch)
    : w_(w), frames_(frames), hop_(hop), batch_(batch) {
  if (w.window < 1) throw Error("stream.window: must be >= 1 frame but got " + std::to_string(w.window));
  if (w.context < 0) throw Error("stream.context: must be >= 0 frames but got " + std::to_string(w.context));
  if (w.lookahead < 0) throw Error("stream.lookahead: must be >= 0 frames but got " + std::to_string(w.lookahead));
  if (w.crossfade < 0 || w.crossfade > w.lookahead)
    throw Error("stream.crossfade: must be in [0, lookahead = " + std::to_string(w.lookahead) + "] frames but got " +
                std::to_string(w.crossfade));
}

std::optional<std::pair<std::int64_t, std::int64_t>> StreamDecoder::next(std::int64_t complete) const {
  if (finished()) return std::nullopt;
  const std::int64_t a = emitted_;
  const std::int64_t b = std::min(frames_, a + w_.window);
  const std::int64_t hi = std::min(frames_, b + w_.lookahead);
  if (complete < hi) return std::nullopt;
  return std::make_pair(std::max<std::int64_t>(0, a - w_.context), hi);
}

std::int64_t StreamDecoder::accept(std::int64_t lo, std::int64_t hi, const float* audio, std::size_t count) {
  const std::int64_t a = emitted_;
  const std::int64_t b = std::min(frames_, a + w_.window);
  const std::int64_t per = (hi - lo) * hop_;
  if (static_cast<std::int64_t>(count) != batch_ * per)
    throw Error("stream decode: expected " + std::to_string(batch_ * per) + " samples for frames [" + std::to_string(lo) +
                ", " + std::to_string(hi) + ") but got " + std::to_string(count));
  const std::int64_t n = (b - a) * hop_;
  const std::int64_t fade = std::min({tailSamples_, n, w_.crossfade * hop_});
  const std::int64_t newTail = (hi - b) * hop_;
  chunk_.resize(static_cast<std::size_t>(batch_ * n));
  std::vector<float> tail(static_cast<std::size_t>(batch_ * newTail));
  for (std::int64_t i = 0; i < batch_; ++i) {
    const float* src = audio + i * per + (a - lo) * hop_;
    float* dst = chunk_.data() + i * n;
    std::copy(src, src + n, dst);
    // Linear cross-fade from the previous window's estimate of these samples to this one's.
    const float* prev = tail_.data() + i * tailSamples_;
    for (std::int64_t k = 0; k < fade; ++k) {
      const float wgt = (static_cast<float>(k) + 0.5f) / static_cast<float>(fade);
      dst[k] = prev[k] * (1.0f - wgt) + dst[k] * wgt;
    }
    std::copy(src + n, src + n + newTail, tail.data() + i * newTail);
  }
  tail_.swap(tail);
  tailSamples_ = newTail;
  emitted_ = b;
  return n;
}

void StreamDecoder::release() {
  chunk_.clear();
  chunk_.shrink_to_fit();
  tail_.clear();
  tail_.shrink_to_fit();
  tailSamples_ = 0;
  emitted_ = frames_;
}

}  // namespace weft
