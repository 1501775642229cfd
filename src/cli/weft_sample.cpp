// weft-sample: the native sampler as a filter, for parity tests against the NumPy reference.
// stdin:  {"rows": [[float, ...], ...],
//          "cases": [{"seed": <uint64 as number or decimal string>, "params": {...}}]}
// stdout: {"tokens": [[token per row, ...] per case]}
// Each case gets a fresh sampler that draws one token per row, in row order; its
// repetition-penalty context is the tokens drawn so far in that case.
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "json_util.h"
#include "weft/error.h"
#include "weft/sampling.h"

int main() {
  namespace ju = weft::json_util;
  try {
    const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    const weft::Json in = ju::parse(text, "weft-sample input");
    const weft::Json& rowsJ = ju::require(in, "rows", "", "");
    const weft::Json& casesJ = ju::require(in, "cases", "", "");
    ju::expectArray(rowsJ, "", "rows");
    ju::expectArray(casesJ, "", "cases");
    std::vector<std::vector<float>> rows;
    for (std::size_t r = 0; r < rowsJ.size(); ++r) {
      ju::expectArray(rowsJ[r], "", ju::index("rows", r));
      std::vector<float> row;
      for (std::size_t i = 0; i < rowsJ[r].size(); ++i)
        row.push_back(static_cast<float>(ju::asNumber(rowsJ[r][i], "", ju::index(ju::index("rows", r), i))));
      rows.push_back(std::move(row));
    }
    weft::Json out = weft::Json::array();
    for (std::size_t c = 0; c < casesJ.size(); ++c) {
      const std::string p = ju::index("cases", c);
      const std::uint64_t seed = ju::asSeed(ju::require(casesJ[c], "seed", "", p), "", ju::key(p, "seed"));
      weft::SamplingParams params;
      if (auto it = casesJ[c].find("params"); it != casesJ[c].end())
        params = weft::parseSamplingParams(*it, params, "", ju::key(p, "params"));
      weft::Sampler sampler(params, seed);
      weft::Json tokens = weft::Json::array();
      for (const auto& row : rows) tokens.push_back(sampler.sample(row.data(), row.size()));
      out.push_back(std::move(tokens));
    }
    std::cout << weft::Json{{"tokens", out}}.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
