#include "weft/audio/mixdown.h"

#include <cmath>

#include "weft/error.h"

namespace weft {
namespace {

void checkChannels(int channels, const char* what) {
  if (channels < 1) throw Error(std::string(what) + ": channels is " + std::to_string(channels) + ", expected >= 1");
}

}  // namespace

std::vector<float> mixdown(const float* x, std::size_t frames, int channels) {
  checkChannels(channels, "mixdown");
  std::vector<float> out(frames);
  if (channels == 1) {
    std::copy(x, x + frames, out.begin());
    return out;
  }
  const float n = static_cast<float>(channels);
  for (std::size_t f = 0; f < frames; ++f) {
    const float* p = x + f * static_cast<std::size_t>(channels);
    float sum = p[0];
    for (int c = 1; c < channels; ++c) sum += p[c];
    out[f] = sum / n;
  }
  return out;
}

std::vector<float> extractChannel(const float* x, std::size_t frames, int channels, int channel) {
  checkChannels(channels, "extractChannel");
  if (channel < 0 || channel >= channels)
    throw Error("extractChannel: channel " + std::to_string(channel) + " of " + std::to_string(channels));
  std::vector<float> out(frames);
  for (std::size_t f = 0; f < frames; ++f) out[f] = x[f * static_cast<std::size_t>(channels) + channel];
  return out;
}

void requireFinite(const float* x, std::size_t frames, int channels, const std::string& what) {
  checkChannels(channels, what.c_str());
  const std::size_t n = frames * static_cast<std::size_t>(channels);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]))
      throw Error(what + ": sample " + std::to_string(i) + " (frame " + std::to_string(i / channels) + ", channel " +
                  std::to_string(i % channels) + ") is " + (std::isnan(x[i]) ? "NaN" : "infinite"));
  }
}

}  // namespace weft
