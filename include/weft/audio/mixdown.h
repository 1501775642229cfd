// Channel mixdown to mono: the mean of the channels of each frame, as audiocraft's
// convert_audio_channels does (wav.mean(dim=-2)). Summed in float32 in channel order and divided
// by the channel count, which for stereo is exactly torch's (a + b) / 2.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace weft {

// interleaved: frames * channels samples -> frames mono samples. channels == 1 copies.
std::vector<float> mixdown(const float* interleaved, std::size_t frames, int channels);

// Planar channel `channel` (0-based) of an interleaved buffer.
std::vector<float> extractChannel(const float* interleaved, std::size_t frames, int channels, int channel);

// Throws weft::Error("<what>: sample i (frame f, channel c) is NaN") on the first non-finite sample.
void requireFinite(const float* interleaved, std::size_t frames, int channels, const std::string& what);

}  // namespace weft
