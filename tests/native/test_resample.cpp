// Resampling against torchaudio.functional.resample itself (build/models/fixtures/audio, written by
// tests/fixtures_py/weft_fixtures/audio.py): rate pairs, options (Kaiser, filter width, rolloff) and lengths
// shorter than the kernel; plus the full prompt path (decode -> mixdown -> resample to 32 kHz).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "audio_fixtures.h"
#include "weft/audio/mixdown.h"
#include "weft/audio/resample.h"
#include "weft/audio/wav.h"
#include "weft/error.h"

namespace af = audio_fixtures;

namespace {

// Stated tolerance (docs/AUDIO.md): max abs difference <= 1e-6 on signals within [-1, 1], against
// torchaudio on float32 waveforms (default precision) and on float64 ones (Float64 precision).
constexpr double kTolerance = 1e-6;

weft::ResampleOptions optionsOf(const weft::Json& c) {
  weft::ResampleOptions o;
  o.lowpassFilterWidth = c["lowpass_filter_width"];
  o.rolloff = c["rolloff"];
  o.window = c["resampling_method"] == "sinc_interp_kaiser" ? weft::ResampleWindow::Kaiser : weft::ResampleWindow::Hann;
  if (!c["beta"].is_null()) o.beta = c["beta"];
  return o;
}

}  // namespace

TEST_CASE("resample matches torchaudio.functional.resample (rate pairs, options, short inputs)") {
  const weft::Json cases = af::cases()["resample"];
  REQUIRE(cases.size() >= 20);
  double worst32 = 0, worst64 = 0;
  for (const auto& c : cases) {
    const int from = c["from"], to = c["to"];
    const std::string out = c["output"];
    CAPTURE(out);
    const std::vector<float> x = af::array<float>(c["input"]);
    REQUIRE(x.size() == c["length"].get<std::size_t>());
    weft::ResampleOptions o = optionsOf(c);
    const std::vector<float> got = weft::resample(x.data(), x.size(), from, to, o);
    o.precision = weft::ResamplePrecision::Float64;
    const std::vector<float> got64 = weft::resample(x.data(), x.size(), from, to, o);
    const std::vector<float> want32 = af::array<float>(out);
    const std::vector<double> want64 = af::array<double>(c["output64"]);
    REQUIRE(got.size() == c["output_length"].get<std::size_t>());
    REQUIRE(got.size() == want32.size());
    REQUIRE(got64.size() == want64.size());
    double d32 = 0, d64 = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      d32 = std::max(d32, std::fabs(static_cast<double>(got[i]) - want32[i]));
      d64 = std::max(d64, std::fabs(static_cast<double>(got64[i]) - want64[i]));
    }
    CHECK(d32 <= kTolerance);
    CHECK(d64 <= kTolerance);
    worst32 = std::max(worst32, d32);
    worst64 = std::max(worst64, d64);
  }
  MESSAGE("resample vs torchaudio: " << cases.size() << " cases, max abs diff " << worst32 << " (float32), "
                                     << worst64 << " (float64)");
}

TEST_CASE("equal rates return the signal untouched; output length is ceil(new * n / orig)") {
  const std::vector<float> x = {0.1f, -0.2f, 0.3f};
  CHECK(weft::resample(x.data(), x.size(), 32000, 32000) == x);
  CHECK(weft::resample(x.data(), 0, 44100, 32000).empty());
  const weft::Resampler r(44100, 32000);
  CHECK(r.reducedFrom() == 441);
  CHECK(r.reducedTo() == 320);
  CHECK(r.outputLength(441) == 320);
  CHECK(r.outputLength(442) == 321);
  CHECK(r.outputLength(1) == 1);
  CHECK(weft::Resampler(1, 1000000).outputLength(10) == 10000000);
}

TEST_CASE("resampling interleaved stereo equals resampling each channel") {
  const weft::Json c = af::cases()["mixdown"];
  const std::vector<std::uint8_t> b = af::bytes(c["file"]);
  const weft::WavAudio a = weft::decodeWav(b.data(), b.size());
  const std::vector<float> both = weft::resampleInterleaved(a.samples.data(), a.frames, 2, a.sampleRate, 32000);
  for (int ch = 0; ch < 2; ++ch) {
    const std::vector<float> one = weft::extractChannel(a.samples.data(), a.frames, 2, ch);
    const std::vector<float> want = weft::resample(one.data(), one.size(), a.sampleRate, 32000);
    REQUIRE(both.size() == 2 * want.size());
    for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(both[2 * i + ch] == want[i]);
  }
}

TEST_CASE("the prompt path (decode, mixdown, resample to 32 kHz) matches soundfile + torch + torchaudio") {
  const weft::Json c = af::cases()["pipeline"];
  const std::vector<std::uint8_t> b = af::bytes(c["file"]);
  const weft::WavAudio a = weft::decodeWav(b.data(), b.size());
  const std::vector<float> mono = weft::mixdown(a.samples.data(), a.frames, a.channels);
  const std::vector<float> got = weft::resample(mono.data(), mono.size(), a.sampleRate, c["to"]);
  const std::vector<float> want = af::array<float>(c["output"]);
  REQUIRE(got.size() == want.size());
  double d = 0;
  for (std::size_t i = 0; i < got.size(); ++i) d = std::max(d, std::fabs(static_cast<double>(got[i]) - want[i]));
  CHECK(d <= kTolerance);
}

TEST_CASE("resample refuses bad rates and options by name") {
  const float x[2] = {0, 0};
  CHECK_THROWS_WITH_AS(weft::resample(x, 2, 0, 32000), "weft: resample: source rate is 0 Hz, expected 1 to 1000000",
                       weft::Error);
  CHECK_THROWS_WITH_AS(weft::resample(x, 2, 44100, -5), doctest::Contains("target rate is -5 Hz"), weft::Error);
  weft::ResampleOptions o;
  o.rolloff = 0;
  CHECK_THROWS_WITH_AS(weft::Resampler(44100, 32000, o), doctest::Contains("rolloff is 0"), weft::Error);
  o = {};
  o.lowpassFilterWidth = 0;
  CHECK_THROWS_WITH_AS(weft::Resampler(44100, 32000, o), doctest::Contains("lowpass filter width is 0"), weft::Error);
  // Co-prime rates near the limit need a kernel too large to build: refused before allocating.
  o = {};
  o.lowpassFilterWidth = 64;
  CHECK_THROWS_WITH_AS(weft::Resampler(999983, 1000000, o), doctest::Contains("needs a kernel of about"), weft::Error);
  // Co-prime everyday rates are fine: the kernel keeps only its non-zero taps.
  const weft::Resampler r(44099, 32000);
  CHECK(r.taps() < 600000);
}
