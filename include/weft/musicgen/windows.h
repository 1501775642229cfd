// Generation past one window, as audiocraft's MusicGen does it (genmodel._generate_tokens): a
// request longer than `max_duration` runs as overlapping windows; each later window is a
// continuation prompted with the codes of the previous one from `extend_stride` seconds on, so
// the music moves on by extend_stride per window while the model always sees max_duration -
// extend_stride seconds of context. The arithmetic (float seconds, int() truncation) is audiocraft's.
#pragma once
#include <cstdint>
#include <vector>

namespace weft {

struct GenerationWindow {
  std::int64_t offset = 0;        // the song frame of the window's first frame (its prompt ends where the song does)
  std::int64_t frames = 0;        // frames of the window, its prompt included
  std::int64_t promptFrames = 0;  // frames given as codes (the user's prompt in the first window)
};

// seconds: the request's duration (prompt included); totalFrames = int(seconds * frameRate);
// promptFrames: the user's prompt. One window when seconds <= maxDuration. Throws weft::Error
// when the prompt fills the first window. Where audiocraft's float arithmetic leaves a last window
// without a new frame (it asserts there, e.g. 47.3 s), the song ends one frame short instead.
std::vector<GenerationWindow> generationWindows(double seconds, std::int64_t totalFrames, std::int64_t promptFrames,
                                                double maxDuration, double extendStride, std::int64_t frameRate);

}  // namespace weft
