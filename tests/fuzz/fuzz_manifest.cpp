// libFuzzer: weft.json text, optionally followed by a NUL byte and a generator options JSON.
// Model::fromJson either loads it or throws weft::Error; a loaded model describes itself and
// creates a generator (or refuses the options with weft::Error), whose first plans are asked for
// without running anything. Any other exception, crash or sanitizer report is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "weft/error.h"
#include "weft/model.h"

namespace {
[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_manifest: %s\n", what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string manifest = input.substr(0, nul);
  const std::string options = nul == std::string::npos ? "" : input.substr(nul + 1);
  try {
    const std::shared_ptr<weft::Model> model = weft::Model::fromJson(manifest);
    model->componentsJson();
    model->infoJson();
    const std::unique_ptr<weft::Generator> g = model->createGenerator(options);
    g->slotsJson();
    g->constantsJson();
    // Without accept() the second plan is refused, which finishes the generator: both paths run.
    for (int i = 0; i < 3 && !g->done(); ++i) {
      try {
        g->next();
      } catch (const weft::Error&) {
      }
      g->statsJson();
    }
  } catch (const weft::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_manifest: %s\n", e.what());
    finding("an exception that is not weft::Error");
  } catch (...) {
    finding("an exception that is not weft::Error");
  }
  return 0;
}
