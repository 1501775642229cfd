// Progressive audio for MusicGen: EnCodec's decoder is not causal (its convolutions look a few
// frames ahead) and carries an LSTM, so a window of codes decoded on its own is wrong near its
// edges. Each chunk of `window` frames [a, b) is therefore decoded as [a - context, b + lookahead)
// and only [a, b) is emitted; the decoded lookahead of one window is cross-faded (linearly, over
// `crossfade` frames) into the start of the next. The concatenated chunks approximate the one-shot
// decode of all frames; docs/MUSICGEN.md states the measured error.
#pragma once
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace weft {

struct StreamWindows {
  std::int64_t window = 50;     // frames emitted per chunk (1 s at 50 Hz)
  std::int64_t context = 10;    // frames decoded before the chunk, not emitted
  std::int64_t lookahead = 10;  // frames decoded after it; the first `crossfade` of them blend
  std::int64_t crossfade = 5;   // frames (<= lookahead)
};

class StreamDecoder {
 public:
  // frames: T of the whole sequence; hop: samples per frame; batch: items decoded together.
  StreamDecoder(const StreamWindows& w, std::int64_t frames, std::int64_t hop, std::int64_t batch);

  // The frame range to decode next, given how many leading frames are complete; nullopt while the
  // next window still needs frames that are not complete, or when every frame was emitted.
  std::optional<std::pair<std::int64_t, std::int64_t>> next(std::int64_t complete) const;
  // Takes the decoded audio of the range next() gave ([batch, (hi - lo) * hop] row-major) and
  // makes the new chunk: chunk() is [batch, n] with n returned (samples per item).
  std::int64_t accept(std::int64_t lo, std::int64_t hi, const float* audio, std::size_t count);

  const std::vector<float>& chunk() const { return chunk_; }
  bool finished() const { return emitted_ >= frames_; }
  void release();

 private:
  StreamWindows w_;
  std::int64_t frames_, hop_, batch_;
  std::int64_t emitted_ = 0;
  std::vector<float> chunk_;
  std::vector<float> tail_;  // [batch, tailSamples_]: the previous window's decoded lookahead
  std::int64_t tailSamples_ = 0;
};

}  // namespace weft
