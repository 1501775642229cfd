// WAV decoding against libsndfile (soundfile) on files written by sox, soundfile and Python's wave
// module, refusals with their messages, and the encoder read back by the decoder.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "audio_fixtures.h"
#include "weft/audio/mixdown.h"
#include "weft/audio/wav.h"
#include "weft/error.h"

namespace af = audio_fixtures;

namespace {

weft::WavAudio decode(const std::vector<std::uint8_t>& b) { return weft::decodeWav(b.data(), b.size()); }

}  // namespace

TEST_CASE("WAV decoding equals libsndfile's on sox, soundfile and wave files (every encoding, odd layouts)") {
  const weft::Json cases = af::cases();
  REQUIRE(cases["wav"].size() >= 20);
  std::size_t samples = 0;
  for (const auto& c : cases["wav"]) {
    const std::string file = c["file"];
    CAPTURE(file);
    const weft::WavAudio a = decode(af::bytes(file));
    CHECK(a.sampleRate == c["rate"].get<int>());
    CHECK(a.channels == c["channels"].get<int>());
    CHECK(a.frames == c["frames"].get<std::size_t>());
    CHECK(std::string(weft::wavEncodingName(a.encoding)) == c["encoding"].get<std::string>());
    const std::vector<float> want = af::array<float>(c["ref"]);
    REQUIRE(a.samples.size() == want.size());
    // Stated tolerance: bit-exact (int / 2^(bits-1) is exact in double, rounded once to float32).
    std::size_t differ = 0;
    for (std::size_t i = 0; i < want.size(); ++i) differ += std::memcmp(&a.samples[i], &want[i], 4) != 0;
    CHECK(differ == 0);
    samples += want.size();
  }
  MESSAGE("WAV: " << cases["wav"].size() << " files, " << samples << " samples bit-exact vs libsndfile");
}

TEST_CASE("WAV decoding refuses unsupported encodings and damaged files with a message naming the problem") {
  const weft::Json cases = af::cases();
  REQUIRE(cases["bad"].size() >= 15);
  for (const auto& c : cases["bad"]) {
    const std::string file = c["file"], want = c["error"];
    CAPTURE(file);
    const std::vector<std::uint8_t> b = af::bytes(file);
    CHECK_THROWS_WITH_AS(decode(b), doctest::Contains(want.c_str()), weft::Error);
    CHECK_THROWS_WITH_AS(decode(b), doctest::Contains("weft: WAV: "), weft::Error);
  }
}

TEST_CASE("WAV decoding names the supported encodings when refusing one") {
  const std::vector<std::uint8_t> b = af::bytes("bad_ms-adpcm.wav");
  CHECK_THROWS_WITH_AS(decode(b),
                       "weft: WAV: format 0x0002 (Microsoft ADPCM) is not supported; supported: PCM 8/16/24/32-bit "
                       "integer, IEEE float 32/64-bit",
                       weft::Error);
}

TEST_CASE("WAV encoding: float32 round-trips bit-exactly, pcm16 rounds and clips as documented") {
  const std::vector<float> x = {0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 1.5f, -1.5f, 1e-9f, -3.0517578125e-05f,
                                0.25f + 0.5f / 32768, 0.25f + 1.5f / 32768, 0.999f, -0.999f, 0.123456789f};
  const std::size_t frames = x.size() / 2;
  const auto f32 = weft::encodeWav(x.data(), frames, 2, 44100, weft::WavEncoding::Float32);
  weft::WavAudio a = weft::decodeWav(f32.data(), f32.size());
  CHECK(a.sampleRate == 44100);
  CHECK(a.channels == 2);
  CHECK(a.frames == frames);
  CHECK(a.encoding == weft::WavEncoding::Float32);
  CHECK(std::memcmp(a.samples.data(), x.data(), x.size() * 4) == 0);

  const auto p16 = weft::encodeWav(x.data(), x.size(), 1, 32000, weft::WavEncoding::Pcm16);
  CHECK(p16.size() == 44 + 2 * x.size());
  a = weft::decodeWav(p16.data(), p16.size());
  REQUIRE(a.samples.size() == x.size());
  // Expected int16 values worked out from the convention (round half to even of x * 32768, clip).
  const std::vector<int> want = {0, 16384, -16384, 32767, -32768, 32767, -32768, 0, -1, 8192, 8194, 32735, -32735, 4045};
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(a.samples[i] * 32768.0f == static_cast<float>(want[i]));
}

TEST_CASE("WAV encoding refuses NaN, bad channel counts and unwritable encodings") {
  const std::vector<float> x = {0.1f, NAN, 0.2f, 0.3f};
  CHECK_THROWS_WITH_AS(weft::encodeWav(x.data(), 2, 2, 8000, weft::WavEncoding::Pcm16),
                       "weft: encodeWav: sample 1 (frame 0, channel 1) is NaN", weft::Error);
  CHECK_THROWS_WITH_AS(weft::encodeWav(x.data(), 0, 0, 8000, weft::WavEncoding::Pcm16),
                       doctest::Contains("channels is 0"), weft::Error);
  CHECK_THROWS_WITH_AS(weft::encodeWav(x.data(), 0, 1, 8000, weft::WavEncoding::Pcm24),
                       doctest::Contains("'pcm24' cannot be written"), weft::Error);
  CHECK_THROWS_WITH_AS(weft::encodeWav(x.data(), 0, 1, 0, weft::WavEncoding::Float32),
                       doctest::Contains("sample rate is 0"), weft::Error);
  const auto empty = weft::encodeWav(x.data(), 0, 1, 8000, weft::WavEncoding::Float32);
  const weft::WavAudio a = weft::decodeWav(empty.data(), empty.size());
  CHECK(a.frames == 0);
  CHECK(a.samples.empty());
}

TEST_CASE("mixdown equals torch's wav.mean(dim=-2) of the decoded stereo file") {
  const weft::Json c = af::cases()["mixdown"];
  const weft::WavAudio a = decode(af::bytes(c["file"]));
  REQUIRE(a.channels == 2);
  const std::vector<float> got = weft::mixdown(a.samples.data(), a.frames, a.channels);
  const std::vector<float> want = af::array<float>(c["output"]);
  REQUIRE(got.size() == want.size());
  CHECK(std::memcmp(got.data(), want.data(), 4 * got.size()) == 0);  // stated: bit-exact
  CHECK(weft::mixdown(want.data(), want.size(), 1) == want);
  CHECK_THROWS_WITH_AS(weft::mixdown(want.data(), 1, 0), doctest::Contains("channels is 0"), weft::Error);
  const std::vector<float> bad = {0.f, 1.f, INFINITY, 0.f};
  CHECK_THROWS_WITH_AS(weft::requireFinite(bad.data(), 2, 2, "prompt audio"),
                       "weft: prompt audio: sample 2 (frame 1, channel 0) is infinite", weft::Error);
}
