#include "weft/audio/resample.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "weft/error.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace weft {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr std::size_t kMaxKernel = std::size_t{1} << 25;  // taps over all phases (128 MB of float)

// Modified Bessel function of the first kind, order 0, by its power series (converges quickly
// for the arguments a Kaiser window needs; libc++ has no std::cyl_bessel_i).
double besselI0(double x) {
  const double q = x * x / 4.0;
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 500; ++k) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

int checkRate(int rate, const char* which) {
  if (rate < 1 || rate > kResampleMaxRate)
    throw Error(std::string("resample: ") + which + " rate is " + std::to_string(rate) + " Hz, expected 1 to " +
                std::to_string(kResampleMaxRate));
  return rate;
}

// One kernel tap, computed with torchaudio's operations in torchaudio's order in arithmetic type T:
// T = float reproduces the kernel it builds for float32 waveforms (each step rounded to float32,
// which for rates with a large reduced source rate changes outputs by up to ~1e-4), T = double the
// one for float64 waveforms. Transcendentals run in double and are rounded to T.
struct Taps {
  int from = 1, to = 1;
  double W = 6, base = 1, scale = 1;
  bool kaiser = false;
  float beta = 0, kaiserNorm = 1;

  template <class T>
  T tap(std::int64_t q, int j) const {
    T t = static_cast<T>(-j) / static_cast<T>(to) + static_cast<T>(q) / static_cast<T>(from);
    t = t * static_cast<T>(base);
    const T w = static_cast<T>(W);
    if (!(std::fabs(t) < w)) return T(0);  // outside the window (torchaudio's clamp makes these ~1e-15)
    T window;
    if (kaiser) {
      T u = t / w;
      u = u * u;
      const T arg = static_cast<T>(beta) * static_cast<T>(std::sqrt(static_cast<double>(T(1) - u)));
      window = static_cast<T>(besselI0(static_cast<double>(arg))) / static_cast<T>(kaiserNorm);
    } else {
      const T c = static_cast<T>(std::cos(static_cast<double>(t * static_cast<T>(kPi) / w / T(2))));
      window = c * c;
    }
    const T tp = t * static_cast<T>(kPi);
    const T sinc = tp == T(0) ? T(1) : static_cast<T>(std::sin(static_cast<double>(tp))) / tp;
    return sinc * (window * static_cast<T>(scale));
  }
};

// sum_t k[t] * x[t * stride] as four partial sums (lane r takes taps r, r + 4, ...; the remainder
// goes to lane 0), combined as (s0 + s1) + (s2 + s3). The fixed order makes the WASM SIMD path and
// the scalar one give identical results.
inline float dot(const float* k, const float* x, std::int64_t taps, std::size_t stride) {
  std::int64_t t = 0;
#ifdef __wasm_simd128__
  if (stride == 1) {
    v128_t acc = wasm_f32x4_splat(0.f);
    for (; t + 4 <= taps; t += 4)
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(k + t), wasm_v128_load(x + t)));
    float a0 = wasm_f32x4_extract_lane(acc, 0);
    for (; t < taps; ++t) a0 += k[t] * x[t];
    return (a0 + wasm_f32x4_extract_lane(acc, 1)) + (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
  }
#endif
  float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
  for (; t + 4 <= taps; t += 4) {
    a0 += k[t] * x[t * stride];
    a1 += k[t + 1] * x[(t + 1) * stride];
    a2 += k[t + 2] * x[(t + 2) * stride];
    a3 += k[t + 3] * x[(t + 3) * stride];
  }
  for (; t < taps; ++t) a0 += k[t] * x[t * stride];
  return (a0 + a1) + (a2 + a3);
}

// Refuses rates and options the kernel is not built for, naming the first bad one.
void checkOptions(int fromRate, int toRate, const ResampleOptions& o) {
  checkRate(fromRate, "source");
  checkRate(toRate, "target");
  if (o.lowpassFilterWidth < 1 || o.lowpassFilterWidth > 64)
    throw Error("resample: lowpass filter width is " + std::to_string(o.lowpassFilterWidth) + ", expected 1 to 64");
  if (!(o.rolloff > 0.0 && o.rolloff <= 1.0))
    throw Error("resample: rolloff is " + std::to_string(o.rolloff) + ", expected in (0, 1]");
  if (o.window == ResampleWindow::Kaiser && !(o.beta >= 0.0 && o.beta <= 100.0))
    throw Error("resample: Kaiser beta is " + std::to_string(o.beta) + ", expected 0 to 100");
}

// The windowed sinc for the gcd-reduced rates `from` and `to`, with torchaudio's parameters.
Taps kernelTaps(int from, int to, const ResampleOptions& o) {
  Taps p;
  p.from = from;
  p.to = to;
  p.W = o.lowpassFilterWidth;
  p.base = std::min(from, to) * o.rolloff;  // cutoff, in reduced-rate units
  p.scale = p.base / from;
  p.kaiser = o.window == ResampleWindow::Kaiser;
  p.beta = static_cast<float>(o.beta);  // torchaudio holds beta in a float32 tensor
  p.kaiserNorm = static_cast<float>(besselI0(p.beta));
  return p;
}

// Phase j's filter: taps for q from one beyond `half` (half the support, in input samples) below
// its center to one beyond above, in torchaudio's precision (`single`: float32), trimmed to the
// first..last non-zero tap and appended to `weights` as float. Returns the q of its first tap
// (0 when every tap is zero). `w` is scratch.
std::int64_t appendPhase(const Taps& p, int j, double half, bool single, std::vector<double>& w,
                         std::vector<float>& weights) {
  const double center = static_cast<double>(j) * p.from / p.to;
  const auto lo = static_cast<std::int64_t>(std::floor(center - half)) - 1;
  const auto hi = static_cast<std::int64_t>(std::ceil(center + half)) + 1;
  w.clear();
  bool any = false;
  std::int64_t firstNonZero = 0, lastNonZero = 0;
  for (std::int64_t q = lo; q <= hi; ++q) {
    const double v = single ? static_cast<double>(p.tap<float>(q, j)) : p.tap<double>(q, j);
    if (v != 0.0) {
      if (!any) firstNonZero = q;
      any = true;
      lastNonZero = q;
    }
    w.push_back(v);
  }
  if (any) {
    for (std::int64_t q = firstNonZero; q <= lastNonZero; ++q)
      weights.push_back(static_cast<float>(w[static_cast<std::size_t>(q - lo)]));
  }
  return firstNonZero;
}

}  // namespace

Resampler::Resampler(int fromRate, int toRate, const ResampleOptions& o) {
  checkOptions(fromRate, toRate, o);
  const int g = std::gcd(fromRate, toRate);
  from_ = fromRate / g;
  to_ = toRate / g;
  if (from_ == to_) return;  // equal rates: the signal passes through untouched

  // Output sample i sits at time i / to, input sample p at p / from (in units of the reduced
  // rates' period). Its weight is the windowed sinc at t = (p / from - i / to) * base, which is
  // non-zero only for |t| < W. Output i = m * to + j (phase j) reads input m * from + q, so
  // each phase is one short filter over q, the same for every m.
  const Taps p = kernelTaps(from_, to_, o);
  const double half = p.W * from_ / p.base;  // half the filter's support, in input samples
  const double estimate = static_cast<double>(to_) * (2.0 * half + 3.0);
  if (estimate > static_cast<double>(kMaxKernel))
    throw Error("resample: " + std::to_string(fromRate) + " -> " + std::to_string(toRate) +
                " Hz needs a kernel of about " + std::to_string(static_cast<long long>(estimate)) +
                " taps (rates with a small common divisor); the limit is " + std::to_string(kMaxKernel));
  const bool single = o.precision == ResamplePrecision::Float32;

  first_.resize(static_cast<std::size_t>(to_));
  start_.resize(static_cast<std::size_t>(to_) + 1);
  weights_.reserve(static_cast<std::size_t>(estimate));
  std::vector<double> w;
  for (int j = 0; j < to_; ++j) {
    start_[j] = static_cast<std::uint32_t>(weights_.size());
    first_[j] = appendPhase(p, j, half, single, w, weights_);
  }
  start_[static_cast<std::size_t>(to_)] = static_cast<std::uint32_t>(weights_.size());
}

std::size_t Resampler::outputLength(std::size_t n) const {
  if (from_ == to_) return n;
  // ceil(to * n / from), exactly, in 64 bits (to <= 1e6, so n may reach 1.8e13).
  const std::uint64_t num = static_cast<std::uint64_t>(to_) * n;
  return static_cast<std::size_t>((num + static_cast<std::uint64_t>(from_) - 1) / static_cast<std::uint64_t>(from_));
}

void Resampler::processStrided(const float* x, std::size_t frames, std::size_t stride, float* out,
                               std::size_t outStride) const {
  const std::size_t total = outputLength(frames);
  if (from_ == to_) {
    for (std::size_t i = 0; i < total; ++i) out[i * outStride] = x[i * stride];
    return;
  }
  const auto n = static_cast<std::int64_t>(frames);
  std::size_t i = 0;
  for (std::int64_t m = 0; i < total; ++m) {
    const std::int64_t origin = m * from_;
    for (int j = 0; j < to_ && i < total; ++j, ++i) {
      const float* k = weights_.data() + start_[j];
      const auto taps = static_cast<std::int64_t>(start_[j + 1] - start_[j]);
      const std::int64_t p0 = origin + first_[j];
      float acc;
      if (p0 >= 0 && p0 + taps <= n) {
        acc = dot(k, x + static_cast<std::size_t>(p0) * stride, taps, stride);
      } else {  // near either end: the signal is zero outside [0, n)
        acc = 0.f;
        for (std::int64_t t = 0; t < taps; ++t) {
          const std::int64_t p = p0 + t;
          if (p >= 0 && p < n) acc += k[t] * x[static_cast<std::size_t>(p) * stride];
        }
      }
      out[i * outStride] = acc;
    }
  }
}

std::vector<float> Resampler::process(const float* x, std::size_t n) const {
  std::vector<float> out(outputLength(n));
  processStrided(x, n, 1, out.data(), 1);
  return out;
}

std::vector<float> resample(const float* x, std::size_t n, int fromRate, int toRate, const ResampleOptions& options) {
  return Resampler(fromRate, toRate, options).process(x, n);
}

std::vector<float> resampleInterleaved(const float* x, std::size_t frames, int channels, int fromRate, int toRate,
                                       const ResampleOptions& options) {
  if (channels < 1) throw Error("resample: channels is " + std::to_string(channels) + ", expected >= 1");
  const Resampler r(fromRate, toRate, options);
  const std::size_t c = static_cast<std::size_t>(channels);
  std::vector<float> out(r.outputLength(frames) * c);
  for (std::size_t ch = 0; ch < c; ++ch) r.processStrided(x + ch, frames, c, out.data() + ch, c);
  return out;
}

}  // namespace weft
