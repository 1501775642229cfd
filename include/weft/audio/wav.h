// WAV (RIFF/WAVE) reading and writing on byte buffers; the core has no filesystem.
//
// Read: PCM 8 (unsigned), 16, 24, 32-bit integer and IEEE float 32 / 64-bit, plain or
// WAVE_FORMAT_EXTENSIBLE, 1 to kWavMaxChannels channels, any sample rate. Samples come back as
// float32, INTERLEAVED (frame-major, as the file stores them), scaled so that integer full scale is
// [-1, 1): int8 (u - 128) / 128, int16 v / 32768, int24 v / 8388608, int32 v / 2147483648 (each
// exact in double, then rounded to float32 — libsndfile's and soundfile's convention). Float samples
// are kept as they are; NaN or infinity is refused.
// Unknown chunks (LIST, fact, cue, ...) are skipped, odd-sized chunks honour the pad byte, a data
// chunk whose size is 0xFFFFFFFF (streaming writers) runs to the end of the file, and a trailing
// partial frame is dropped. Anything else wrong — another encoding, a truncated chunk, zero
// channels — is a weft::Error that names it ("WAV: ...").
//
// Write: 16-bit PCM (x * 32768 rounded half to even, clipped to [-32768, 32767], so that decoding
// gives back every x that is a multiple of 1/32768 in [-1, 1)) or 32-bit IEEE float (bit-exact).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft {

constexpr int kWavMaxChannels = 64;
constexpr std::size_t kWavMaxSamples = std::size_t{1} << 28;  // 1 GiB of float32 once decoded

enum class WavEncoding { Pcm8, Pcm16, Pcm24, Pcm32, Float32, Float64 };

const char* wavEncodingName(WavEncoding e);  // "pcm16", "float32", ...

struct WavAudio {
  int sampleRate = 0;
  int channels = 0;
  std::size_t frames = 0;
  WavEncoding encoding = WavEncoding::Pcm16;  // what the file held
  std::vector<float> samples;                 // interleaved, frames * channels
};

WavAudio decodeWav(const std::uint8_t* bytes, std::size_t size);

// `interleaved` holds frames * channels samples. Only Pcm16 and Float32 are written.
std::vector<std::uint8_t> encodeWav(const float* interleaved, std::size_t frames, int channels, int sampleRate,
                                    WavEncoding encoding);

}  // namespace weft
