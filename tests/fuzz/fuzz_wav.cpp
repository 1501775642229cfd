// libFuzzer: any bytes given to decodeWav either decode or throw weft::Error. Decoded audio must
// be self-consistent, survive a float32 round trip through encodeWav bit for bit, and go through
// the registry's path to the model (mixdown to mono, resampling to 32 kHz) without a report.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <numeric>
#include <vector>

#include "weft/audio/mixdown.h"
#include "weft/audio/resample.h"
#include "weft/audio/wav.h"
#include "weft/error.h"

namespace {
[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_wav: %s\n", what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const weft::WavAudio a = weft::decodeWav(data, size);
    if (a.channels < 1 || a.channels > weft::kWavMaxChannels || a.sampleRate < 1) finding("bad format accepted");
    if (a.samples.size() != a.frames * static_cast<std::size_t>(a.channels)) finding("samples != frames * channels");
    const std::vector<std::uint8_t> again =
        weft::encodeWav(a.samples.data(), a.frames, a.channels, a.sampleRate, weft::WavEncoding::Float32);
    const weft::WavAudio b = weft::decodeWav(again.data(), again.size());
    if (b.channels != a.channels || b.sampleRate != a.sampleRate || b.frames != a.frames ||
        b.encoding != weft::WavEncoding::Float32 ||
        (a.samples.size() && std::memcmp(a.samples.data(), b.samples.data(), a.samples.size() * sizeof(float))))
      finding("a float32 round trip through encodeWav changed the audio");
    const std::vector<float> mono = weft::mixdown(a.samples.data(), a.frames, a.channels);
    if (mono.size() != a.frames) finding("mixdown changed the frame count");
    // Rates whose resampling kernel is small (every common one): a kernel of megabytes per input
    // would slow the fuzzer down without reaching more of the code.
    if (a.sampleRate <= 192000 && 32000 / std::gcd(a.sampleRate, 32000) <= 1280) {
      const weft::Resampler resampler(a.sampleRate, 32000);
      const std::vector<float> r = resampler.process(mono.data(), mono.size());
      if (r.size() != resampler.outputLength(mono.size())) finding("resample changed the length it promised");
    }
  } catch (const weft::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_wav: %s\n", e.what());
    finding("an exception that is not weft::Error");
  }
  return 0;
}
