// The core's normal draws as JS sees them (docs/SAMPLING.md, "Normal draws"): n values
// float32(scale * z) from SplitMix64(seed), for the NumPy reproduction check.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <vector>

#include "weft/normal.h"
#include "../json_util.h"
#include "boundary.h"

using emscripten::val;
using namespace weft::bindings;

namespace {

val normalDraws(val seed, double scale, double n) {
  return guard([&] {
    if (!(n >= 0 && n <= 1e8 && std::floor(n) == n)) throw weft::Error("normalDraws: n must be an integer in [0, 1e8]");
    weft::SplitMix64 rng(weft::json_util::parseSeedString(seed.call<std::string>("toString"), "normalDraws: ", "seed"));
    weft::NormalSampler normal;
    std::vector<float> out(static_cast<std::size_t>(n));
    normal.fill(rng, scale, out.data(), out.size());
    val arr = val::global("Float32Array").new_(out.size());
    arr.call<void>("set", val(emscripten::typed_memory_view(out.size(), out.data())));
    return arr;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(weft_normal) {
  emscripten::function("normalDraws", &normalDraws);
}
