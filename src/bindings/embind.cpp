// The JS boundary for models, generators and the sampler. Only src/bindings/ includes Emscripten
// headers. It stays thin — every decision lives in the core — and converts every C++ exception
// into a JS Error with the same message ("weft: ..."), so JS never sees a raw WebAssembly
// exception.
//
// Views returned here (inputView, outputView, constantView, tokens, results, pushView,
// logitsView) alias WASM memory: they are valid until the next call into the core.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weft/classifier_generator.h"
#include "weft/decoder_generator.h"
#include "weft/error.h"
#include "weft/generator_registry.h"
#include "weft/model.h"
#include "weft/package_variants.h"
#include "weft/sampling.h"
#include "weft/version.h"
#include "../json_util.h"
#include "boundary.h"

using emscripten::val;
using namespace weft::bindings;

namespace {

std::uint64_t seedFrom(const val& seed) {
  const std::string type = seed.typeOf().as<std::string>();
  if (type == "string" || type == "bigint")
    return weft::json_util::parseSeedString(seed.call<std::string>("toString"), "Sampler: ", "seed");
  if (type == "number") {
    const double d = seed.as<double>();
    if (!(std::fabs(d) < 9007199254740992.0 && std::floor(d) == d))
      throw weft::Error("Sampler: seed must be an integer below 2^53 in magnitude, or a decimal string for larger values");
    // Any integer, taken modulo 2^64 (negative values wrap).
    return d < 0 ? ~static_cast<std::uint64_t>(-d) + 1u : static_cast<std::uint64_t>(d);
  }
  if (type == "undefined") return 0;
  throw weft::Error("Sampler: seed must be a number or a decimal string but got a " + type);
}

class JsGenerator {
 public:
  explicit JsGenerator(std::shared_ptr<weft::Generator> g) : g_(std::move(g)) {}
  std::string slotsJson() const { return guard([&] { return g_->slotsJson(); }); }
  std::string constantsJson() const { return guard([&] { return g_->constantsJson(); }); }
  val constantView(int i) const { return guard([&] { return viewOf(g_->constant(i)); }); }
  std::string next() { return guard([&] { return g_->next(); }); }
  val inputView(int i) { return guard([&] { return viewOf(g_->input(i)); }); }
  val outputView(int i, double n) {
    return guard([&] {
      if (!(n >= 0 && std::floor(n) == n && n < 4294967296.0))
        throw weft::Error("outputView: element count must be a non-negative integer");
      return viewOf(g_->output(i, static_cast<std::size_t>(n)));
    });
  }
  int accept() { return guard([&] { return g_->accept(); }); }
  bool done() const { return guard([&] { return g_->done(); }); }
  val tokens() const {
    return guard([&] {
      const auto& t = g_->tokens();
      return val(emscripten::typed_memory_view(t.size(), t.data()));
    });
  }
  val results() const {
    return guard([&] {
      const auto& r = g_->results();
      return val(emscripten::typed_memory_view(r.size(), r.data()));
    });
  }
  val pushView(double n) {
    return guard([&] {
      if (!(n >= 0 && std::floor(n) == n && n < 4294967296.0))
        throw weft::Error("pushView: sample count must be a non-negative integer");
      const std::size_t k = static_cast<std::size_t>(n);
      return val(emscripten::typed_memory_view(k, g_->pushView(k)));
    });
  }
  void push(double n) {
    guard([&] {
      if (!(n >= 0 && std::floor(n) == n)) throw weft::Error("push: sample count must be a non-negative integer");
      g_->push(static_cast<std::size_t>(n));
    });
  }
  void finish() { guard([&] { g_->finish(); }); }
  // Classifier input: a Uint8Array of `bytes` RGBA bytes on WASM memory, then pushRgba().
  val rgbaView(double bytes) {
    return guard([&] {
      if (!(bytes >= 0 && std::floor(bytes) == bytes && bytes < 4294967296.0))
        throw weft::Error("rgbaView: byte count must be a non-negative integer");
      const std::size_t k = static_cast<std::size_t>(bytes);
      return val(emscripten::typed_memory_view(k, classifier("rgbaView").rgbaView(k)));
    });
  }
  void pushRgba() { guard([&] { classifier("pushRgba").pushRgba(); }); }
  std::string statsJson() const { return guard([&] { return g_->statsJson(); }); }

 private:
  weft::ClassifierGenerator& classifier(const char* what) {
    auto* c = dynamic_cast<weft::ClassifierGenerator*>(g_.get());
    if (!c) throw weft::Error(std::string(what) + ": only a classifier generator takes RGBA images");
    return *c;
  }
  std::shared_ptr<weft::Generator> g_;
};

class JsModel {
 public:
  static JsModel fromJsonDefault(val text) { return fromJson(text, val::undefined()); }
  // budgets: optional {"manifest_bytes", "tensor_elements", "json_depth"} (object or JSON text).
  static JsModel fromJson(val text, val budgets) { return fromJsonWithGraphs(text, budgets, val::undefined()); }
  // graphs: optional {"<component>": {"inputs", "outputs"}}, the sessions of componentsToDescribe.
  static JsModel fromJsonWithGraphs(val text, val budgets, val graphs) {
    return guard([&] {
      return JsModel(weft::Model::fromJson(jsonArg(text, "Model.fromJson"), jsonArg(budgets, "Model.fromJson: budgets", true),
                                           jsonArg(graphs, "Model.fromJson: graphs", true)));
    });
  }
  static std::string componentsToDescribeDefault(val text) { return componentsToDescribe(text, val::undefined()); }
  static std::string componentsToDescribe(val text, val budgets) {
    return guard([&] {
      return weft::Model::componentsToDescribe(jsonArg(text, "Model.componentsToDescribe"),
                                               jsonArg(budgets, "Model.componentsToDescribe: budgets", true));
    });
  }
  std::string componentsJson() const { return guard([&] { return m_->componentsJson(); }); }
  // The backend the runtime's sessions run on: which components the generators run (componentsJson's "used").
  void setBackend(val backend) {
    guard([&] { m_->setBackend(stringArg(backend, "setBackend: backend")); });
  }
  std::string infoJson() const { return guard([&] { return m_->infoJson(); }); }
  void validateComponent(val name, val io) const {
    guard([&] {
      m_->validateComponent(stringArg(name, "validateComponent: name"), jsonArg(io, "validateComponent: io"));
    });
  }
  // The package's tokenizer file (format "json", "sentencepiece" or "auto": told by its bytes), for generators that
  // tokenize text themselves.
  void attachTokenizer(val bytes, val format) {
    guard([&] {
      const std::string f = stringArg(format, "attachTokenizer: format");
      const std::string blob = blobArg(bytes, "attachTokenizer");
      if (f == "json") m_->attachTokenizer(weft::Tokenizer::fromJson(blob));
      else if (f == "sentencepiece") m_->attachTokenizer(weft::Tokenizer::fromSentencePiece(blob));
      else if (f == "auto") m_->attachTokenizer(weft::Tokenizer::fromBytes(blob));
      else throw weft::Error("attachTokenizer: format must be \"json\", \"sentencepiece\" or \"auto\" but got \"" + f + "\"");
    });
  }
  JsGenerator createGenerator(val options) const {
    return guard([&] {
      const std::string o = jsonArg(options, "createGenerator: options", true);
      return JsGenerator(std::shared_ptr<weft::Generator>(m_->createGenerator(o)));
    });
  }

 private:
  explicit JsModel(std::shared_ptr<weft::Model> m) : m_(std::move(m)) {}
  std::shared_ptr<weft::Model> m_;
};

// Zero-copy design: JS writes logits into logitsView(n), then calls sample(n).
class JsSampler {
 public:
  static JsSampler create(val paramsJson, val seed) {
    return guard([&] {
      const std::string params = jsonArg(paramsJson, "Sampler: params", true);
      const weft::Json j = params.empty() ? weft::Json::object() : weft::json_util::parse(params, "Sampler params");
      const weft::SamplingParams p = weft::parseSamplingParams(j, weft::SamplingParams{}, "Sampler: ", "params");
      return JsSampler(std::make_shared<weft::Sampler>(p, seedFrom(seed)));
    });
  }
  val logitsView(double n) {
    return guard([&] {
      if (!(n >= 1 && std::floor(n) == n && n < 4294967296.0))
        throw weft::Error("Sampler.logitsView: length must be a positive integer");
      const std::size_t k = static_cast<std::size_t>(n);
      return val(emscripten::typed_memory_view(k, s_->logitsBuffer(k)));
    });
  }
  int sample(double n) {
    return guard([&] {
      const auto& buf = s_->buffer();
      if (!(n >= 1 && std::floor(n) == n && n <= static_cast<double>(buf.size())))
        throw weft::Error("Sampler.sample: n must be in [1, " + std::to_string(buf.size()) +
                          "] (the length given to logitsView)");
      return static_cast<int>(s_->sample(buf.data(), static_cast<std::size_t>(n)));
    });
  }

 private:
  explicit JsSampler(std::shared_ptr<weft::Sampler> s) : s_(std::move(s)) {}
  std::shared_ptr<weft::Sampler> s_;
};

// load()'s choice for a weft.json (package_variants.h): candidates is the runtime's backend list
// (an array or its JSON text), precision a string or undefined.
std::vector<std::string> namesArg(val v, const char* what) {
  const weft::Json list = weft::json_util::parse(jsonArg(v, what), what);
  std::vector<std::string> names;
  if (!list.is_array()) throw weft::Error(std::string(what) + ": expected an array of names");
  for (const weft::Json& c : list) {
    if (!c.is_string()) throw weft::Error(std::string(what) + ": expected an array of names");
    names.push_back(c.get<std::string>());
  }
  return names;
}

// lacking: the device features the runtime lacks (an array; undefined: none).
std::string choosePackageLacking(val text, val budgets, val candidates, val precision, val lacking) {
  return guard([&] {
    const std::vector<std::string> names = namesArg(candidates, "choosePackage: candidates");
    const std::vector<std::string> missing = lacking.isUndefined() || lacking.isNull() ? std::vector<std::string>{} : namesArg(lacking, "choosePackage: lacking");
    const std::string p = precision.isUndefined() || precision.isNull() ? "" : stringArg(precision, "load options: precision");
    return weft::choosePackage(jsonArg(text, "choosePackage"), weft::Budgets::parse(jsonArg(budgets, "choosePackage: budgets", true)), names, p, missing);
  });
}
std::string choosePackage(val text, val budgets, val candidates, val precision) {
  return choosePackageLacking(text, budgets, candidates, precision, val::undefined());
}

std::string versionString() { return weft::version(); }
std::string typesJson() { return guard([] { return weft::generatorTypesJson(); }); }
double heapBytesInUse() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(weft_core) {
  using namespace emscripten;
  function("version", &versionString);
  function("heapBytesInUse", &heapBytesInUse);
  function("generatorTypesJson", &typesJson);
  function("choosePackage", &choosePackage);
  function("choosePackage", &choosePackageLacking);

  class_<JsModel>("Model")
      .class_function("fromJson", &JsModel::fromJsonDefault)
      .class_function("fromJson", &JsModel::fromJson)
      .class_function("fromJson", &JsModel::fromJsonWithGraphs)
      .class_function("componentsToDescribe", &JsModel::componentsToDescribeDefault)
      .class_function("componentsToDescribe", &JsModel::componentsToDescribe)
      .function("componentsJson", &JsModel::componentsJson)
      .function("setBackend", &JsModel::setBackend)
      .function("infoJson", &JsModel::infoJson)
      .function("validateComponent", &JsModel::validateComponent)
      .function("attachTokenizer", &JsModel::attachTokenizer)
      .function("createGenerator", &JsModel::createGenerator);

  class_<JsGenerator>("Generator")
      .function("slotsJson", &JsGenerator::slotsJson)
      .function("constantsJson", &JsGenerator::constantsJson)
      .function("constantView", &JsGenerator::constantView)
      .function("next", &JsGenerator::next)
      .function("inputView", &JsGenerator::inputView)
      .function("outputView", &JsGenerator::outputView)
      .function("accept", &JsGenerator::accept)
      .function("done", &JsGenerator::done)
      .function("tokens", &JsGenerator::tokens)
      .function("results", &JsGenerator::results)
      .function("pushView", &JsGenerator::pushView)
      .function("push", &JsGenerator::push)
      .function("finish", &JsGenerator::finish)
      .function("rgbaView", &JsGenerator::rgbaView)
      .function("pushRgba", &JsGenerator::pushRgba)
      .function("statsJson", &JsGenerator::statsJson);

  class_<JsSampler>("Sampler")
      .constructor(&JsSampler::create)
      .function("logitsView", &JsSampler::logitsView)
      .function("sample", &JsSampler::sample);
}
