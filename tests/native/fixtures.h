// Small manifests shared by the native tests (written by hand after docs/ARCHITECTURE.md), and
// reading fixture files.
#pragma once
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "weft/error.h"

namespace fixtures {

// A fixture file's bytes; a missing one fails the test, naming it.
inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing fixture " << path << " (run scripts/setup.sh)");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The message of the weft::Error `f` throws, or "(no error)".
inline std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const weft::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A toy decoder: vocab 16, 2 layers of K caches that grow along axis 2, max_positions 8.
inline std::string decoderManifest(const std::string& io =
                                       R"({"input_ids":"input_ids","attention_mask":"attention_mask",
                                           "position_ids":"position_ids","logits":"logits"})",
                                   const std::string& generation = R"({"max_new_tokens":3})") {
  return R"({
    "format": "weft/1", "name": "toy",
    "dims": {"vocab": 16, "layers": 2, "heads": 2, "head_dim": 4, "max_positions": 8},
    "components": {"decoder": {
      "file": "decoder.onnx", "sha256": "abc", "bytes": 1234,
      "inputs": [
        {"name": "input_ids", "dtype": "int64", "shape": ["batch", "seq"]},
        {"name": "attention_mask", "dtype": "int64", "shape": ["batch", "total"]},
        {"name": "position_ids", "dtype": "int64", "shape": ["batch", "seq"]},
        {"name": "past_key_values.{layer}.key", "count": "layers", "dtype": "float32",
         "shape": ["batch", "heads", "past", "head_dim"]}
      ],
      "outputs": [
        {"name": "logits", "dtype": "float32", "shape": ["batch", "seq", "vocab"]},
        {"name": "present.{layer}.key", "count": "layers", "dtype": "float32",
         "shape": ["batch", "heads", "total", "head_dim"]}
      ]}},
    "state": [{"component": "decoder", "input": "past_key_values.{layer}.key",
               "output": "present.{layer}.key", "count": "layers", "init": "empty", "axis": 2, "mode": "grow"}],
    "generator": {"type": "decoder", "component": "decoder", "io": )" +
         io + R"(},
    "generation": )" + generation + "}";
}

// Silero-VAD-like stream model with a 4-sample chunk (small enough to check by hand).
inline std::string streamManifest() {
  return R"({
    "format": "weft/1", "name": "vad",
    "dims": {"chunk": 4},
    "components": {"vad": {
      "file": "silero_vad.onnx",
      "inputs": [
        {"name": "input", "dtype": "float32", "shape": ["batch", "chunk"]},
        {"name": "state", "dtype": "float32", "shape": [2, "batch", 128]},
        {"name": "sr", "dtype": "int64", "shape": []}
      ],
      "outputs": [
        {"name": "output", "dtype": "float32", "shape": ["batch", 1]},
        {"name": "stateN", "dtype": "float32", "shape": [2, "batch", 128]}
      ]}},
    "state": [{"component": "vad", "input": "state", "output": "stateN", "init": "zeros", "mode": "fixed"}],
    "constants": [{"component": "vad", "input": "sr", "dtype": "int64", "shape": [], "values": [16000]}],
    "generator": {"type": "stream", "component": "vad", "io": {"samples": "input", "result": "output"},
                  "sample_rate": 16000}
  })";
}

}  // namespace fixtures
