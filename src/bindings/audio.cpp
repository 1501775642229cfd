// The JS boundary for audio: WAV decoding / encoding, mixdown and resampling (web/audio.js wraps it).
// Each call copies its input into core memory once and hands back a JS-owned typed array (one copy
// out of WASM memory), so nothing returned aliases the heap and nothing is kept between calls.
// Samples are interleaved float32 (frame-major, as WAV stores them).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>
#include <vector>

#include "boundary.h"
#include "weft/audio/mixdown.h"
#include "weft/audio/resample.h"
#include "weft/audio/wav.h"
#include "weft/error.h"

using emscripten::val;
using namespace weft::bindings;

namespace {

int intArg(const val& v, const char* what, double lo, double hi) {
  const double d = v.isNumber() ? v.as<double>() : NAN;
  if (!(d >= lo && d <= hi && std::floor(d) == d))
    throw weft::Error(std::string(what) + ": expected an integer from " + std::to_string(static_cast<long long>(lo)) +
                      " to " + std::to_string(static_cast<long long>(hi)) + ", got " +
                      (v.isNumber() ? std::to_string(d) : v.typeOf().as<std::string>()));
  return static_cast<int>(d);
}

std::vector<float> floatsArg(const val& v, const char* what) {
  if (!v.instanceof(val::global("Float32Array"))) throw weft::Error(std::string(what) + ": expected a Float32Array");
  std::vector<float> out(v["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", v);
  return out;
}

std::vector<std::uint8_t> bytesArg(const val& v, const char* what) {
  val bytes = v;
  if (v.instanceof(val::global("ArrayBuffer"))) bytes = val::global("Uint8Array").new_(v);
  if (!bytes.instanceof(val::global("Uint8Array")))
    throw weft::Error(std::string(what) + ": expected a Uint8Array or ArrayBuffer");
  std::vector<std::uint8_t> out(bytes["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", bytes);
  return out;
}

// A JS-owned copy (the view is made after the JS allocation, which cannot move WASM memory).
template <class T>
val jsCopy(const char* type, const std::vector<T>& v) {
  val out = val::global(type).new_(static_cast<double>(v.size()));
  out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
  return out;
}

void checkInterleaved(std::size_t n, int channels, const char* what) {
  if (n % static_cast<std::size_t>(channels) != 0)
    throw weft::Error(std::string(what) + ": " + std::to_string(n) + " samples is not a whole number of " +
                      std::to_string(channels) + "-channel frames");
}

val decodeWav(val bytes) {
  return guard([&] {
    weft::WavAudio a;
    {
      const std::vector<std::uint8_t> b = bytesArg(bytes, "decodeWav");
      a = weft::decodeWav(b.data(), b.size());
    }  // the file's bytes are freed before the samples are copied out
    val out = val::object();
    out.set("sampleRate", a.sampleRate);
    out.set("channels", a.channels);
    out.set("frames", static_cast<double>(a.frames));
    out.set("encoding", std::string(weft::wavEncodingName(a.encoding)));
    out.set("samples", jsCopy("Float32Array", a.samples));
    return out;
  });
}

val encodeWav(val samples, val channelsArg, val rateArg, val format) {
  return guard([&] {
    const int channels = intArg(channelsArg, "encodeWav: channels", 1, weft::kWavMaxChannels);
    const int rate = intArg(rateArg, "encodeWav: sampleRate", 1, 2147483647.0);
    const std::string f = format.isUndefined() ? "pcm16" : stringArg(format, "encodeWav: format");
    if (f != "pcm16" && f != "float32")
      throw weft::Error("encodeWav: format '" + f + "' is not supported; expected 'pcm16' or 'float32'");
    const std::vector<float> x = floatsArg(samples, "encodeWav: samples");
    checkInterleaved(x.size(), channels, "encodeWav");
    const std::vector<std::uint8_t> wav =
        weft::encodeWav(x.data(), x.size() / channels, channels, rate,
                        f == "pcm16" ? weft::WavEncoding::Pcm16 : weft::WavEncoding::Float32);
    return jsCopy("Uint8Array", wav);
  });
}

val mixdown(val samples, val channelsArg) {
  return guard([&] {
    const int channels = intArg(channelsArg, "mixdown: channels", 1, weft::kWavMaxChannels);
    const std::vector<float> x = floatsArg(samples, "mixdown: samples");
    checkInterleaved(x.size(), channels, "mixdown");
    return jsCopy("Float32Array", weft::mixdown(x.data(), x.size() / channels, channels));
  });
}

// An optional number field of a JS options object.
void numberField(const val& o, const char* name, double& out) {
  if (o[name].isUndefined()) return;
  if (!o[name].isNumber()) throw weft::Error(std::string("resample: ") + name + " must be a number");
  out = o[name].as<double>();
}

// An optional string field naming one of two choices.
template <class E>
void choiceField(const val& o, const char* name, const char* a, E ea, const char* b, E eb, E& out) {
  if (o[name].isUndefined()) return;
  const std::string what = std::string("resample: ") + name;
  const std::string v = stringArg(o[name], what.c_str());
  if (v != a && v != b)
    throw weft::Error(std::string("resample: ") + name + " '" + v + "' is not supported; expected '" + a + "' or '" + b + "'");
  out = v == a ? ea : eb;
}

weft::ResampleOptions resampleOptions(const val& o) {
  weft::ResampleOptions r;
  if (o.isUndefined() || o.isNull()) return r;
  if (o.typeOf().as<std::string>() != "object") throw weft::Error("resample: options must be an object");
  if (!o["lowpassFilterWidth"].isUndefined())
    r.lowpassFilterWidth = intArg(o["lowpassFilterWidth"], "resample: lowpassFilterWidth", 1, 64);
  numberField(o, "rolloff", r.rolloff);
  numberField(o, "beta", r.beta);
  choiceField(o, "window", "hann", weft::ResampleWindow::Hann, "kaiser", weft::ResampleWindow::Kaiser, r.window);
  choiceField(o, "precision", "float32", weft::ResamplePrecision::Float32, "float64", weft::ResamplePrecision::Float64,
              r.precision);
  return r;
}

val resample(val samples, val fromArg, val toArg, val channelsArg, val options) {
  return guard([&] {
    const int from = intArg(fromArg, "resample: fromRate", 1, weft::kResampleMaxRate);
    const int to = intArg(toArg, "resample: toRate", 1, weft::kResampleMaxRate);
    const int channels = intArg(channelsArg, "resample: channels", 1, weft::kWavMaxChannels);
    const weft::ResampleOptions o = resampleOptions(options);
    const std::vector<float> x = floatsArg(samples, "resample: samples");
    checkInterleaved(x.size(), channels, "resample");
    return jsCopy("Float32Array", weft::resampleInterleaved(x.data(), x.size() / channels, channels, from, to, o));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(weft_audio) {
  emscripten::function("audioDecodeWav", &decodeWav);
  emscripten::function("audioEncodeWav", &encodeWav);
  emscripten::function("audioMixdown", &mixdown);
  emscripten::function("audioResample", &resample);
}
