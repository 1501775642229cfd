#include "weft/audio/wav.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "weft/audio/mixdown.h"
#include "weft/error.h"

namespace weft {
namespace {

// Format tags (mmreg.h) with names for the error messages of the common unsupported ones.
constexpr std::uint16_t kPcm = 0x0001, kFloat = 0x0003, kExtensible = 0xFFFE;

const char* tagName(std::uint16_t tag) {
  switch (tag) {
    case 0x0002: return "Microsoft ADPCM";
    case 0x0006: return "A-law";
    case 0x0007: return "mu-law";
    case 0x0011: return "IMA ADPCM";
    case 0x0031: return "GSM 6.10";
    case 0x0050: return "MPEG";
    case 0x0055: return "MP3";
    default: return "unknown";
  }
}

// The 14 bytes that follow the format code in every KSDATAFORMAT_SUBTYPE_* GUID.
constexpr std::uint8_t kGuidTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                        0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

const std::string kSupported = "supported: PCM 8/16/24/32-bit integer, IEEE float 32/64-bit";

std::uint16_t u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
void put16(std::vector<std::uint8_t>& o, std::uint32_t v) {
  o.push_back(static_cast<std::uint8_t>(v));
  o.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& o, std::uint32_t v) {
  put16(o, v & 0xFFFF);
  put16(o, v >> 16);
}
void putId(std::vector<std::uint8_t>& o, const char* id) {
  for (int i = 0; i < 4; ++i) o.push_back(static_cast<std::uint8_t>(id[i]));
}

// A chunk id for messages: 'fmt ' when printable, else hex bytes.
std::string idText(const std::uint8_t* p) {
  bool printable = true;
  for (int i = 0; i < 4; ++i) printable = printable && p[i] >= 0x20 && p[i] < 0x7F;
  if (printable) return "'" + std::string(reinterpret_cast<const char*>(p), 4) + "'";
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%02X%02X%02X%02X", p[0], p[1], p[2], p[3]);
  return buf;
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

[[noreturn]] void fail(const std::string& msg) { throw Error("WAV: " + msg); }

struct Format {
  std::uint16_t tag = 0;  // kPcm or kFloat once resolved (extensible unwrapped)
  int channels = 0;
  std::uint32_t sampleRate = 0;
  int bits = 0;
  std::uint32_t blockAlign = 0;
};

Format parseFmt(const std::uint8_t* p, std::uint32_t size) {
  if (size < 16) fail("fmt chunk is " + std::to_string(size) + " bytes, expected at least 16");
  Format f;
  f.tag = u16(p);
  f.channels = u16(p + 2);
  f.sampleRate = u32(p + 4);
  f.blockAlign = u16(p + 12);
  f.bits = u16(p + 14);
  if (f.tag == kExtensible) {
    if (size < 40) fail("WAVE_FORMAT_EXTENSIBLE fmt chunk is " + std::to_string(size) + " bytes, expected 40");
    const std::uint8_t* guid = p + 24;
    const std::uint16_t sub = u16(guid);
    if (std::memcmp(guid + 2, kGuidTail, sizeof kGuidTail) != 0)
      fail("WAVE_FORMAT_EXTENSIBLE with a non-standard subformat GUID is not supported; " + kSupported);
    if (sub != kPcm && sub != kFloat)
      fail("WAVE_FORMAT_EXTENSIBLE subformat " + hex16(sub) + " (" + tagName(sub) + ") is not supported; " +
           kSupported);
    f.tag = sub;
  }
  if (f.tag != kPcm && f.tag != kFloat)
    fail("format " + hex16(f.tag) + " (" + tagName(f.tag) + ") is not supported; " + kSupported);
  const bool okBits = f.tag == kPcm ? (f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32)
                                    : (f.bits == 32 || f.bits == 64);
  if (!okBits)
    fail(std::string(f.tag == kPcm ? "PCM" : "IEEE float") + " with " + std::to_string(f.bits) +
         " bits per sample is not supported; " + kSupported);
  if (f.channels == 0) fail("the fmt chunk says 0 channels");
  if (f.channels > kWavMaxChannels)
    fail(std::to_string(f.channels) + " channels is more than the " + std::to_string(kWavMaxChannels) + " supported");
  if (f.sampleRate == 0) fail("the fmt chunk says a sample rate of 0 Hz");
  if (f.sampleRate > 0x7FFFFFFF) fail("sample rate " + std::to_string(f.sampleRate) + " Hz is out of range");
  const std::uint32_t want = static_cast<std::uint32_t>(f.channels) * static_cast<std::uint32_t>(f.bits / 8);
  if (f.blockAlign != want)
    fail("block align " + std::to_string(f.blockAlign) + " does not match " + std::to_string(f.channels) +
         " channels x " + std::to_string(f.bits) + " bits (expected " + std::to_string(want) + ")");
  return f;
}

WavEncoding encodingOf(const Format& f) {
  if (f.tag == kFloat) return f.bits == 32 ? WavEncoding::Float32 : WavEncoding::Float64;
  switch (f.bits) {
    case 8: return WavEncoding::Pcm8;
    case 16: return WavEncoding::Pcm16;
    case 24: return WavEncoding::Pcm24;
    default: return WavEncoding::Pcm32;
  }
}

void convert(const std::uint8_t* src, std::size_t count, WavEncoding enc, float* out) {
  switch (enc) {
    case WavEncoding::Pcm8:
      for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<float>(static_cast<int>(src[i]) - 128) / 128.0f;
      break;
    case WavEncoding::Pcm16:
      for (std::size_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(static_cast<std::int16_t>(u16(src + 2 * i))) / 32768.0f;
      break;
    case WavEncoding::Pcm24:
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* p = src + 3 * i;
        // Assemble in the top 24 bits of a uint32, reinterpret as signed, shift down arithmetically.
        const std::uint32_t u = (static_cast<std::uint32_t>(p[0]) << 8) | (static_cast<std::uint32_t>(p[1]) << 16) |
                                (static_cast<std::uint32_t>(p[2]) << 24);
        out[i] = static_cast<float>(static_cast<std::int32_t>(u) / 256) / 8388608.0f;  // exact in float
      }
      break;
    case WavEncoding::Pcm32:
      for (std::size_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(static_cast<double>(static_cast<std::int32_t>(u32(src + 4 * i))) / 2147483648.0);
      break;
    case WavEncoding::Float32:
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t u = u32(src + 4 * i);
        std::memcpy(&out[i], &u, 4);
      }
      break;
    case WavEncoding::Float64:
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t u = static_cast<std::uint64_t>(u32(src + 8 * i)) |
                                (static_cast<std::uint64_t>(u32(src + 8 * i + 4)) << 32);
        double d;
        std::memcpy(&d, &u, 8);
        out[i] = static_cast<float>(d);
      }
      break;
  }
}

void checkRiffHeader(const std::uint8_t* bytes, std::size_t size) {
  if (size < 12) fail("the input is " + std::to_string(size) + " bytes, too short for a RIFF/WAVE header (12)");
  if (std::memcmp(bytes, "RIFX", 4) == 0) fail("big-endian RIFX files are not supported");
  if (std::memcmp(bytes, "RF64", 4) == 0) fail("RF64 (64-bit RIFF) files are not supported");
  if (std::memcmp(bytes, "RIFF", 4) != 0 || std::memcmp(bytes + 8, "WAVE", 4) != 0)
    fail("not a RIFF/WAVE file (starts with " + idText(bytes) + ", bytes 8-11 " + idText(bytes + 8) + ")");
}

// The fmt chunk and where the audio is.
struct Chunks {
  Format fmt;
  const std::uint8_t* data = nullptr;
  std::size_t dataBytes = 0, dataAt = 0;  // dataAt: the data chunk's header, for messages
};

// Walks the chunks after the RIFF header up to the first data chunk.
Chunks findChunks(const std::uint8_t* bytes, std::size_t size) {
  // The RIFF size is not trusted: writers get it wrong both ways (streams, files over 2 GiB, cut
  // copies), so chunks are read up to the end of the input and judged by their own sizes.
  const std::size_t end = size;

  bool haveFmt = false;
  Chunks c;
  for (std::size_t at = 12; at + 8 <= end;) {
    const std::uint8_t* id = bytes + at;
    const std::uint32_t chunk = u32(bytes + at + 4);
    const std::size_t body = at + 8, left = end - body;
    if (std::memcmp(id, "data", 4) == 0) {
      if (!haveFmt) fail("no fmt chunk before the data chunk");
      // 0xFFFFFFFF: a writer that could not seek back to fill in the size (a stream).
      if (chunk != 0xFFFFFFFFu && chunk > left)
        fail("the data chunk at byte " + std::to_string(at) + " says " + std::to_string(chunk) + " bytes but only " +
             std::to_string(left) + " follow (truncated file?)");
      c.data = bytes + body;
      c.dataAt = at;
      c.dataBytes = chunk == 0xFFFFFFFFu ? left : chunk;
      break;  // the first data chunk is the audio; nothing after it matters
    }
    if (chunk > left)
      fail("chunk " + idText(id) + " at byte " + std::to_string(at) + " says " + std::to_string(chunk) +
           " bytes but only " + std::to_string(left) + " follow (truncated file?)");
    if (std::memcmp(id, "fmt ", 4) == 0) {
      if (haveFmt) fail("more than one fmt chunk");
      c.fmt = parseFmt(bytes + body, chunk);
      haveFmt = true;
    }
    at = body + chunk + (chunk & 1u);  // chunks are padded to an even size
  }
  if (!haveFmt) fail("no fmt chunk");
  if (!c.data) fail("no data chunk");
  return c;
}

// Float files may hold NaN / Inf (or, for float64, values float32 cannot hold); the first one is
// named by sample, frame and channel.
void checkFinite(const WavAudio& a) {
  if (a.encoding != WavEncoding::Float32 && a.encoding != WavEncoding::Float64) return;
  const std::size_t count = a.samples.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(a.samples[i]))
      fail(std::string("sample ") + std::to_string(i) + " (frame " + std::to_string(i / a.channels) +
           ", channel " + std::to_string(i % a.channels) + ") is " + (std::isnan(a.samples[i]) ? "NaN" : "infinite") +
           (a.encoding == WavEncoding::Float64 ? " or beyond float32's range" : ""));
  }
}

}  // namespace

const char* wavEncodingName(WavEncoding e) {
  switch (e) {
    case WavEncoding::Pcm8: return "pcm8";
    case WavEncoding::Pcm16: return "pcm16";
    case WavEncoding::Pcm24: return "pcm24";
    case WavEncoding::Pcm32: return "pcm32";
    case WavEncoding::Float32: return "float32";
    case WavEncoding::Float64: return "float64";
  }
  return "?";
}

WavAudio decodeWav(const std::uint8_t* bytes, std::size_t size) {
  checkRiffHeader(bytes, size);
  const Chunks c = findChunks(bytes, size);
  const Format& fmt = c.fmt;

  WavAudio out;
  out.sampleRate = static_cast<int>(fmt.sampleRate);
  out.channels = fmt.channels;
  out.encoding = encodingOf(fmt);
  out.frames = c.dataBytes / fmt.blockAlign;  // a trailing partial frame is dropped
  const std::size_t count = out.frames * static_cast<std::size_t>(fmt.channels);
  if (count > kWavMaxSamples)
    fail("the data chunk at byte " + std::to_string(c.dataAt) + " holds " + std::to_string(count) +
         " samples, more than the " + std::to_string(kWavMaxSamples) + " supported");
  out.samples.resize(count);
  convert(c.data, count, out.encoding, out.samples.data());
  checkFinite(out);
  return out;
}

std::vector<std::uint8_t> encodeWav(const float* x, std::size_t frames, int channels, int sampleRate,
                                    WavEncoding encoding) {
  if (encoding != WavEncoding::Pcm16 && encoding != WavEncoding::Float32)
    throw Error(std::string("encodeWav: encoding '") + wavEncodingName(encoding) +
                "' cannot be written; expected pcm16 or float32");
  if (channels < 1 || channels > kWavMaxChannels)
    throw Error("encodeWav: channels is " + std::to_string(channels) + ", expected 1 to " +
                std::to_string(kWavMaxChannels));
  if (sampleRate < 1) throw Error("encodeWav: sample rate is " + std::to_string(sampleRate) + ", expected > 0");
  const bool pcm = encoding == WavEncoding::Pcm16;
  const std::uint32_t bytesPerSample = pcm ? 2 : 4;
  const std::size_t count = frames * static_cast<std::size_t>(channels);
  const std::uint64_t dataBytes = static_cast<std::uint64_t>(count) * bytesPerSample;
  const std::uint32_t header = pcm ? 44 : 58;  // float: 18-byte fmt + fact chunk
  if (dataBytes + header > 0xFFFFFFFEull)
    throw Error("encodeWav: " + std::to_string(count) + " samples do not fit in a 4 GiB WAV file");
  requireFinite(x, frames, channels, "encodeWav");
  std::vector<std::uint8_t> o;
  o.reserve(header + dataBytes + 1);
  const std::uint32_t blockAlign = bytesPerSample * static_cast<std::uint32_t>(channels);
  putId(o, "RIFF");
  put32(o, static_cast<std::uint32_t>(header - 8 + dataBytes + (dataBytes & 1u)));
  putId(o, "WAVE");
  putId(o, "fmt ");
  put32(o, pcm ? 16 : 18);
  put16(o, pcm ? kPcm : kFloat);
  put16(o, static_cast<std::uint32_t>(channels));
  put32(o, static_cast<std::uint32_t>(sampleRate));
  put32(o, static_cast<std::uint32_t>(sampleRate) * blockAlign);
  put16(o, blockAlign);
  put16(o, bytesPerSample * 8);
  if (!pcm) {
    put16(o, 0);  // cbSize: no extension
    putId(o, "fact");  // required for non-PCM formats: the frame count
    put32(o, 4);
    put32(o, static_cast<std::uint32_t>(frames));
  }
  putId(o, "data");
  put32(o, static_cast<std::uint32_t>(dataBytes));
  for (std::size_t i = 0; i < count; ++i) {
    if (pcm) {
      // Round half to even (the default rounding mode), then clip: +1.0 becomes 32767.
      const float v = std::nearbyint(x[i] * 32768.0f);
      const int s = v >= 32767.0f ? 32767 : v <= -32768.0f ? -32768 : static_cast<int>(v);
      put16(o, static_cast<std::uint16_t>(static_cast<std::int16_t>(s)));
    } else {
      std::uint32_t u;
      std::memcpy(&u, &x[i], 4);
      put32(o, u);
    }
  }
  if (dataBytes & 1u) o.push_back(0);
  return o;
}

}  // namespace weft
