#include "weft/musicgen/windows.h"

#include <algorithm>
#include <string>

#include "weft/error.h"

namespace weft {

std::vector<GenerationWindow> generationWindows(double seconds, std::int64_t totalFrames, std::int64_t promptFrames,
                                                double maxDuration, double extendStride, std::int64_t frameRate) {
  if (seconds <= maxDuration) return {{0, totalFrames, promptFrames}};
  const double fr = static_cast<double>(frameRate);
  const auto stride = static_cast<std::int64_t>(fr * extendStride);
  std::vector<GenerationWindow> windows;
  std::int64_t offset = 0, prompt = promptFrames;  // audiocraft's current_gen_offset, prompt length
  std::int64_t song = promptFrames;                // frames of the song so far (new frames are appended)
  while (offset + prompt < totalFrames) {
    const double chunk = std::min(seconds - static_cast<double>(offset) / fr, maxDuration);
    const auto frames = static_cast<std::int64_t>(chunk * fr);
    if (frames <= prompt && !windows.empty()) break;  // float rounding left < 1 frame: audiocraft would assert, the song is done
    if (frames <= prompt)
      throw Error("musicgen: the prompt (" + std::to_string(prompt) + " frames) is not shorter than the first window (" +
                  std::to_string(frames) + " frames, max_duration); give a shorter prompt or a longer max_duration");
    windows.push_back({song - prompt, frames, prompt});
    song += frames - prompt;
    prompt = std::max<std::int64_t>(0, frames - stride);
    offset += stride;
  }
  return windows;
}

}  // namespace weft
