// Band-limited resampling with torchaudio.functional.resample's semantics (see docs/AUDIO.md):
// the rates are reduced by their gcd to (orig, new); a windowed-sinc low-pass at
// rolloff * min(orig, new) / 2 (a cos^2 (Hann) window by default, Kaiser optionally) spanning
// lowpass_filter_width zero crossings; zero padding at both ends; the output has
// ceil(new * n / orig) samples; equal rates return the input unchanged.
// The polyphase kernel (one short filter per output phase, only its non-zero taps) is built once
// per Resampler, so running it costs no trigonometry and a handful of multiply-adds per output
// sample. Measured agreement with torchaudio: docs/AUDIO.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft {

enum class ResampleWindow { Hann, Kaiser };

// torchaudio builds its kernel in the waveform's dtype. Float32 reproduces the kernel it uses for
// float32 waveforms (what runs on float32 audio); Float64 the float64 one, which is closer to the
// ideal filter for rates whose reduced source rate is large (e.g. 12345 Hz: 2469 after the gcd),
// where float32 rounding of the tap positions changes outputs by up to ~1e-4.
enum class ResamplePrecision { Float32, Float64 };

struct ResampleOptions {
  int lowpassFilterWidth = 6;
  double rolloff = 0.99;
  ResampleWindow window = ResampleWindow::Hann;
  double beta = 14.769656459379492;  // Kaiser window shape (torchaudio's default)
  ResamplePrecision precision = ResamplePrecision::Float32;
};

constexpr int kResampleMaxRate = 1'000'000;  // bounds the kernel's size (a few MB at most)

class Resampler {
 public:
  // Rates are positive integers up to kResampleMaxRate; errors name the bad value.
  Resampler(int fromRate, int toRate, const ResampleOptions& options = {});

  // ceil(new * n / orig) (n when the rates are equal).
  std::size_t outputLength(std::size_t n) const;
  std::vector<float> process(const float* x, std::size_t n) const;
  // One channel of an interleaved buffer (stride = channels) into `out` (outputLength(frames)).
  void processStrided(const float* x, std::size_t frames, std::size_t stride, float* out,
                      std::size_t outStride) const;

  int reducedFrom() const { return from_; }
  int reducedTo() const { return to_; }
  std::size_t taps() const { return weights_.size(); }  // kernel size, all phases together

 private:
  int from_ = 1, to_ = 1;                 // gcd-reduced rates
  std::vector<std::int64_t> first_;       // per phase: input offset of its first tap
  std::vector<std::uint32_t> start_;      // per phase: index into weights_ (size to_ + 1)
  std::vector<float> weights_;
};

// One mono signal: resample(x, n, 44100, 32000).
std::vector<float> resample(const float* x, std::size_t n, int fromRate, int toRate,
                            const ResampleOptions& options = {});

// Every channel of an interleaved buffer with one kernel; the result is interleaved too.
std::vector<float> resampleInterleaved(const float* x, std::size_t frames, int channels, int fromRate, int toRate,
                                       const ResampleOptions& options = {});

}  // namespace weft
