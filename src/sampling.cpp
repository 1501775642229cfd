// Each numbered step below is the step of the same number in docs/SAMPLING.md. Only correctly
// rounded double operations are used, in the order the spec writes them; sums run in ascending
// index order in plain loops (never Eigen reductions, whose association order is unspecified).
#include "weft/sampling.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Core>

#include "json_util.h"
#include "weft/error.h"
#include "weft/exp.h"

namespace weft {

namespace ju = json_util;

SamplingParams parseSamplingParams(const Json& obj, SamplingParams p, const std::string& prefix,
                                   const std::string& path) {
  ju::expectObject(obj, prefix, path);
  auto get = [&](const char* k) -> const Json* {
    auto it = obj.find(k);
    return it == obj.end() ? nullptr : &*it;
  };
  if (const Json* v = get("do_sample")) p.do_sample = ju::asBool(*v, prefix, ju::key(path, "do_sample"));
  if (const Json* v = get("temperature")) p.temperature = ju::asNumber(*v, prefix, ju::key(path, "temperature"));
  if (const Json* v = get("top_k")) p.top_k = ju::asInt(*v, prefix, ju::key(path, "top_k"));
  if (const Json* v = get("top_p")) p.top_p = ju::asNumber(*v, prefix, ju::key(path, "top_p"));
  if (const Json* v = get("min_p")) p.min_p = ju::asNumber(*v, prefix, ju::key(path, "min_p"));
  if (const Json* v = get("repetition_penalty"))
    p.repetition_penalty = ju::asNumber(*v, prefix, ju::key(path, "repetition_penalty"));
  validateSamplingParams(p, prefix, path);
  return p;
}

std::vector<OptionSpec> samplingOptionSpecs(const SamplingParams& d, const std::vector<std::string>& names) {
  const std::vector<OptionSpec> all = {
      {"do_sample", OptionKind::Boolean, "sample (true) or pick the most likely token (false)", d.do_sample, {}, {}, false, ""},
      {"temperature", OptionKind::Number, "divides the logits before sampling", d.temperature, 0, {}, false, ""},
      {"top_k", OptionKind::Integer, "keep the k most likely tokens (0: all)", d.top_k, 0, {}, false, ""},
      {"top_p", OptionKind::Number, "nucleus sampling: keep the smallest set with this much probability", d.top_p, 0, 1, true, ""},
      {"min_p", OptionKind::Number, "drop tokens below min_p times the top probability", d.min_p, 0, 1, false, ""},
      {"repetition_penalty", OptionKind::Number, "penalise tokens already in the context (1: off)", d.repetition_penalty, 0, {}, true, ""},
  };
  std::vector<OptionSpec> out;
  for (const std::string& n : names)
    for (const OptionSpec& o : all)
      if (o.name == n) out.push_back(o);
  return out;
}

void guideLogits(const float* cond, const float* null, float g, std::size_t n, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = null[i] + (cond[i] - null[i]) * g;
}

void validateSamplingParams(const SamplingParams& p, const std::string& prefix,
                            const std::string& path) {
  auto bad = [&](const char* field, const std::string& msg) { ju::fail(prefix, ju::key(path, field), msg); };
  if (!(p.temperature >= 0.0) || !std::isfinite(p.temperature))
    bad("temperature", "must be a finite number >= 0 but got " + ju::num(p.temperature));
  if (p.top_k < 0) bad("top_k", "must be >= 0 (0 disables top-k) but got " + std::to_string(p.top_k));
  if (!(p.top_p > 0.0 && p.top_p <= 1.0))
    bad("top_p", "must be in (0, 1] but got " + ju::num(p.top_p));
  if (!(p.min_p >= 0.0 && p.min_p <= 1.0))
    bad("min_p", "must be in [0, 1] but got " + ju::num(p.min_p));
  if (!(p.repetition_penalty > 0.0) || !std::isfinite(p.repetition_penalty))
    bad("repetition_penalty", "must be a finite number > 0 but got " + ju::num(p.repetition_penalty));
}

namespace {

// Plain greedy (the common case on the hot path) works on the float32 row directly: converting
// to double is exact and monotonic, so the argmax and the NaN/Inf check agree with the full path.
// Eight independent lanes let the compiler vectorise (x * 0 is NaN only for NaN / Inf).
// Returns -1 when the row holds a NaN / Inf, so that step 1 reports it.
std::int64_t greedyFloat32(const float* logits, std::size_t vocab) {
  constexpr std::size_t kLanes = 8;
  float lane_max[kLanes], lane_bad[kLanes];
  for (std::size_t j = 0; j < kLanes; ++j) lane_max[j] = logits[0], lane_bad[j] = 0.0f;
  std::size_t i = 0;
  for (; i + kLanes <= vocab; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) {
      const float v = logits[i + j];
      lane_max[j] = v > lane_max[j] ? v : lane_max[j];
      lane_bad[j] += v * 0.0f;
    }
  }
  float m = logits[0], bad = 0.0f;
  for (std::size_t j = 0; j < kLanes; ++j) m = lane_max[j] > m ? lane_max[j] : m, bad += lane_bad[j];
  for (; i < vocab; ++i) m = logits[i] > m ? logits[i] : m, bad += logits[i] * 0.0f;
  if (bad != 0.0f) return -1;  // NaN: some logit is NaN or +-Inf
  std::size_t best = 0;
  while (logits[best] != m) ++best;  // lowest index holding the maximum
  return static_cast<std::int64_t>(best);
}

// 1. float32 -> double (exact), then reject NaN / Inf naming the first bad index.
void convertLogits(const float* logits, Eigen::Map<Eigen::ArrayXd>& l) {
  l = Eigen::Map<const Eigen::ArrayXf>(logits, l.size()).cast<double>();
  if (l.isFinite().all()) return;
  for (Eigen::Index i = 0; i < l.size(); ++i) {
    if (std::isfinite(l[i])) continue;
    const char* what = std::isnan(l[i]) ? "NaN" : (l[i] > 0 ? "+Inf" : "-Inf");
    throw Error("logits[" + std::to_string(i) + "] is " + what);
  }
}

// 2. Repetition penalty (Hugging Face rule), once per distinct id in the context.
void applyRepetitionPenalty(Eigen::Map<Eigen::ArrayXd>& l, double rp, const std::vector<std::int32_t>& context,
                            std::vector<char>& seen) {
  const std::size_t vocab = static_cast<std::size_t>(l.size());
  seen.assign(vocab, 0);
  for (std::int32_t t : context) {
    if (t < 0 || static_cast<std::size_t>(t) >= vocab || seen[t]) continue;
    seen[t] = 1;
    l[t] = l[t] > 0 ? l[t] / rp : l[t] * rp;
  }
}

// 3. Greedy: lowest index holding the maximum.
std::int32_t greedyArgmax(const Eigen::Map<Eigen::ArrayXd>& l) {
  Eigen::Index best = 0;
  for (Eigen::Index i = 1; i < l.size(); ++i)
    if (l[i] > l[best]) best = i;
  return static_cast<std::int32_t>(best);
}

// 4. Temperature (element-wise IEEE division: bit-exact whether vectorised or not).
void applyTemperature(Eigen::Map<Eigen::ArrayXd>& l, double temperature) { l = l / temperature; }

// 5. Top-k with ties kept: threshold t is the k-th largest value. `s.weights` is only a
// selection buffer here; step 6 overwrites it.
void keepTopK(const Eigen::Map<Eigen::ArrayXd>& l, std::int64_t topK, SamplingScratch& s) {
  const std::size_t vocab = static_cast<std::size_t>(l.size());
  s.kept.clear();
  if (topK > 0 && topK < static_cast<std::int64_t>(vocab)) {
    s.weights.assign(s.logits.begin(), s.logits.end());
    auto kth = s.weights.begin() + (topK - 1);
    std::nth_element(s.weights.begin(), kth, s.weights.end(), std::greater<double>());
    const double t = *kth;
    for (Eigen::Index i = 0; i < l.size(); ++i)
      if (l[i] >= t) s.kept.push_back(static_cast<std::int32_t>(i));
  } else {
    s.kept.resize(vocab);
    for (std::size_t i = 0; i < vocab; ++i) s.kept[i] = static_cast<std::int32_t>(i);
  }
}

// 6. Softmax over the kept tokens; weights e_i and p_i stay indexed by token id.
void softmaxKept(const Eigen::Map<Eigen::ArrayXd>& l, SamplingScratch& s) {
  const std::size_t vocab = static_cast<std::size_t>(l.size());
  double m = l[s.kept[0]];
  for (std::int32_t i : s.kept) m = std::max(m, l[i]);
  s.weights.assign(vocab, 0.0);
  double S = 0.0;
  for (std::int32_t i : s.kept) {
    s.weights[i] = weft_exp(l[i] - m);
    S += s.weights[i];
  }
  s.probs.assign(vocab, 0.0);
  for (std::int32_t i : s.kept) s.probs[i] = s.weights[i] / S;
}

// 7. Top-p: descending probability, ties by ascending index; keep through the first c >= top_p.
// The order is a strict total order, so sorting a growing prefix (partial_sort) yields exactly
// the prefix of the full sort, and c is accumulated in the same order: same result, without
// sorting the whole vocabulary when a few tokens already reach top_p.
void keepTopP(double topP, SamplingScratch& s) {
  const std::vector<double>& prob = s.probs;
  std::vector<std::int32_t>& order = s.order;
  order.assign(s.kept.begin(), s.kept.end());
  auto before = [&](std::int32_t a, std::int32_t b) { return prob[a] != prob[b] ? prob[a] > prob[b] : a < b; };
  double c = 0.0;
  std::size_t n = 0, sorted = 0, want = std::min<std::size_t>(order.size(), 64);
  bool reached = false;
  while (!reached) {
    if (want == order.size()) std::sort(order.begin() + sorted, order.end(), before);  // heapsort is slower
    else std::partial_sort(order.begin() + sorted, order.begin() + want, order.end(), before);
    for (; n < want && !reached; ++n) {
      c += prob[order[n]];
      reached = c >= topP;
    }
    if (want == order.size()) break;  // rounding left c < top_p: keep everything
    sorted = want;
    want = want * 8 >= order.size() ? order.size() : want * 8;
  }
  order.resize(n);
  std::sort(order.begin(), order.end());
  s.kept.swap(order);
}

// 8. Min-p relative to the most probable kept token.
void keepMinP(double minP, SamplingScratch& s) {
  const std::vector<double>& prob = s.probs;
  double pmax = 0.0;
  for (std::int32_t i : s.kept) pmax = std::max(pmax, prob[i]);
  const double floor = minP * pmax;
  s.order.clear();
  for (std::int32_t i : s.kept)
    if (prob[i] >= floor) s.order.push_back(i);
  s.kept.swap(s.order);
}

// 9. Inverse CDF on the unnormalised weights, ascending index order.
std::int32_t drawInverseCdf(double u, const SamplingScratch& s) {
  double total = 0.0;
  for (std::int32_t i : s.kept) total += s.weights[i];
  const double target = u * total;
  double C = 0.0;
  for (std::int32_t i : s.kept) {
    C += s.weights[i];
    if (C > target) return i;
  }
  return s.kept.back();
}

}  // namespace

std::int32_t sampleToken(const float* logits, std::size_t vocab, const SamplingParams& params,
                         const std::vector<std::int32_t>& context, SplitMix64& rng,
                         SamplingScratch& s) {
  if (vocab == 0) throw Error("cannot sample from an empty row of logits");
  const bool penalise = params.repetition_penalty != 1.0 && !context.empty();
  if (params.greedy() && !penalise) {
    const std::int64_t best = greedyFloat32(logits, vocab);
    if (best >= 0) return static_cast<std::int32_t>(best);
  }

  // Steps 1-9 in the spec's order, which fixes every rounding (NumPy and WASM follow it too).
  s.logits.resize(vocab);
  Eigen::Map<Eigen::ArrayXd> l(s.logits.data(), static_cast<Eigen::Index>(vocab));
  convertLogits(logits, l);
  if (penalise) applyRepetitionPenalty(l, params.repetition_penalty, context, s.seen);
  if (params.greedy()) return greedyArgmax(l);
  applyTemperature(l, params.temperature);
  keepTopK(l, params.top_k, s);
  softmaxKept(l, s);
  if (params.top_p > 0.0 && params.top_p < 1.0 && s.kept.size() > 1) keepTopP(params.top_p, s);
  if (params.min_p > 0.0 && params.min_p <= 1.0) keepMinP(params.min_p, s);
  return drawInverseCdf(rng.uniform(), s);
}

void checkedLogits(const float* logits, std::size_t vocab, std::vector<double>& out) {
  out.resize(vocab);
  Eigen::Map<Eigen::ArrayXd> l(out.data(), static_cast<Eigen::Index>(vocab));
  convertLogits(logits, l);
}

std::int32_t Sampler::sample(const float* logits, std::size_t vocab) {
  const std::int32_t t = sampleToken(logits, vocab, params_, history_, rng_, scratch_);
  history_.push_back(t);
  return t;
}

}  // namespace weft
