// A loaded model package: the validated manifest, with its state slots and its generator type's
// parsed spec. This is what JS holds (Model.fromJson); generators keep a shared reference so they
// outlive nothing they need.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "weft/generator.h"
#include "weft/manifest.h"
#include "weft/state.h"
#include "weft/tokenizer.h"

namespace weft {

class Model : public std::enable_shared_from_this<Model> {
 public:
  // Parses and validates weft.json text (including the generator's spec and defaults).
  // budgets_json: {"manifest_bytes", "tensor_elements", "json_depth"} over the defaults (budgets.h).
  // graphs_json: {"<component>": {"inputs", "outputs"}} as sessions report them (session_io.h),
  // for the components whose inputs or outputs the manifest omits (componentsToDescribe).
  static std::shared_ptr<Model> fromJson(const std::string& manifest_json, const std::string& budgets_json = "",
                                         const std::string& graphs_json = "");
  // The components whose sessions must be described before fromJson, because the manifest omits
  // their inputs or outputs: [{"name","file","sha256"|null,"bytes"|null,"external_data"}].
  static std::string componentsToDescribe(const std::string& manifest_json, const std::string& budgets_json = "");

  const Manifest& manifest() const { return manifest_; }
  const std::vector<StateSlot>& slots() const { return manifest_.state; }
  const GeneratorType& generatorType() const { return *manifest_.generator.definition; }
  template <class T>
  const T& spec() const { return manifest_.generator.as<T>(); }

  // [{"name","file","sha256"|null,"bytes"|null,"inputs","outputs","state_outputs",
  //   "external_data":[{"file","sha256","bytes"}],"used"}] — `used`: the generator runs it.
  std::string componentsJson() const;
  bool uses(const std::string& component) const;
  // The backend the sessions run on ("webgpu", "wasm", "cpu", …), set by the runtime once the
  // first session is open; until then every component counts as runnable.
  void setBackend(const std::string& backend) { backend_ = backend; }
  const std::string& backend() const { return backend_; }
  // Whether `component` runs on the model's backend (its manifest `backends`).
  bool runsHere(const std::string& component) const;
  // {"name","format","dims","generator","generation","tokenizer","options"}: `generation` holds
  // the effective defaults, `options` the type's options schema (generator_registry.h).
  std::string infoJson() const;
  // Compares the component with a session's real inputs/outputs (see session_check.h).
  void validateComponent(const std::string& component, const std::string& io_json) const;
  // A fresh generator of the manifest's type; options as the type's schema describes them.
  std::unique_ptr<Generator> createGenerator(const std::string& options_json) const;

  // The package's tokenizer (weft.json `tokenizer`), attached by whoever read its file, for
  // generator types that turn text into ids themselves (pocket_tts). Attach before creating
  // generators; a generator keeps the model, so the tokenizer outlives it.
  void attachTokenizer(std::shared_ptr<const Tokenizer> t) { tokenizer_ = std::move(t); }
  const Tokenizer* tokenizer() const { return tokenizer_.get(); }

 private:
  explicit Model(Manifest m) : manifest_(std::move(m)) {}
  Manifest manifest_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::string backend_;
};

}  // namespace weft
