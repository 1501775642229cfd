// Reading the audio fixtures the Python toolkit writes with sox, soundfile and torchaudio
// (build/models/fixtures/audio, tests/fixtures_py/weft_fixtures/audio.py).
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "json_util.h"

namespace audio_fixtures {

inline const std::string kDir = std::string(WEFT_SOURCE_DIR) + "/build/models/fixtures/audio/";

inline std::vector<std::uint8_t> bytes(const std::string& name) {
  std::ifstream f(kDir + name, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing fixture " << kDir + name << " (run scripts/setup.sh)");
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), {});
}

template <class T>
std::vector<T> array(const std::string& name) {
  const std::vector<std::uint8_t> b = bytes(name);
  std::vector<T> out(b.size() / sizeof(T));
  std::memcpy(out.data(), b.data(), out.size() * sizeof(T));
  return out;
}

inline weft::Json cases() {
  const std::vector<std::uint8_t> b = bytes("cases.json");
  return weft::json_util::parse(std::string(b.begin(), b.end()), "cases.json");
}

}  // namespace audio_fixtures
