// libFuzzer: weft.json text, optionally followed by a NUL byte and a generator options JSON.
// Model::fromJson either loads it or throws weft::Error; a loaded model describes itself and
// creates a generator (or refuses the options with weft::Error), whose first plans are asked for
// without running anything. Any other exception, crash or sanitizer report is a finding, and so is
// an accepted manifest naming a file that could lead outside the package (checked here on its own
// terms, not with the core's checker: how a URL resolver or a server would read the name).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/error.h"
#include "weft/model.h"

namespace {
[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_manifest: %s\n", what);
  std::abort();
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded once, as a server decodes a request path.
std::string percentDecoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Whether a path (backslashes read as slashes) climbs or stays put: a "." or ".." segment, or a root.
bool leavesFolder(std::string path) {
  for (char& c : path)
    if (c == '\\') c = '/';
  if (path.empty() || path[0] == '/') return true;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = path.find('/', start);
    const std::string segment = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (segment == "." || segment == "..") return true;
    if (end == std::string::npos) return false;
    start = end + 1;
  }
}

// A name that stays inside the package folder both as a relative URL and as a path on disk: no
// control character (URL parsers drop tabs and newlines, C APIs stop at NUL), no scheme or drive
// before the first slash, and no root, "." or ".." segment before or after percent-decoding.
bool insidePackage(const std::string& name) {
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  const std::string first = name.substr(0, name.find_first_of("/\\"));
  if (first.find(':') != std::string::npos) return false;
  const std::string path = name.substr(0, name.find_first_of("?#"));
  return !leavesFolder(path) && !leavesFolder(percentDecoded(path));
}

void checkFileNames(const weft::Model& model) {
  std::vector<std::string> names;
  for (const auto& c : nlohmann::json::parse(model.componentsJson())) {
    names.push_back(c.at("file").get<std::string>());
    for (const auto& x : c.at("external_data")) names.push_back(x.at("file").get<std::string>());
  }
  const auto info = nlohmann::json::parse(model.infoJson());
  if (info.contains("tokenizer") && !info["tokenizer"].is_null()) names.push_back(info["tokenizer"].at("file").get<std::string>());
  for (const std::string& n : names)
    if (!insidePackage(n)) {
      std::fprintf(stderr, "fuzz_manifest: accepted file name %s\n", nlohmann::json(n).dump().c_str());
      finding("an accepted manifest names a file outside the package");
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string manifest = input.substr(0, nul);
  const std::string options = nul == std::string::npos ? "" : input.substr(nul + 1);
  try {
    const std::shared_ptr<weft::Model> model = weft::Model::fromJson(manifest);
    checkFileNames(*model);  // componentsJson() and infoJson() describe the model
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
