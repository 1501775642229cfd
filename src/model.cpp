#include "weft/model.h"

#include "json_util.h"
#include "weft/classifier_generator.h"
#include "weft/decoder_generator.h"
#include "weft/musicgen_generator.h"
#include "weft/error.h"
#include "weft/session_check.h"
#include "weft/stream_generator.h"

namespace weft {

std::shared_ptr<Model> Model::fromJson(const std::string& text) {
  std::shared_ptr<Model> m(new Model(Manifest::parse(text)));
  m->slots_ = buildStateSlots(m->manifest_);
  // Bad defaults in the manifest should fail at load, not at the first generation.
  if (m->manifest_.generator.type == "decoder") decoderDefaults(m->manifest_);
  if (m->manifest_.generator.type == "classifier") classifierSpec(m->manifest_);
  if (m->manifest_.generator.type == "musicgen") musicgenDefaults(m->manifest_, musicgenSpec(m->manifest_));
  return m;
}

// {"file", "sha256"|null, "bytes"|null}. The toolkit writes "" and 0 as placeholders before
// hashing: both mean "unknown".
static Json fileRefJson(const FileRef& r) {
  return Json{{"file", r.file},
              {"sha256", r.sha256 && !r.sha256->empty() ? Json(*r.sha256) : Json(nullptr)},
              {"bytes", r.bytes && *r.bytes > 0 ? Json(*r.bytes) : Json(nullptr)}};
}

// Whether the generator runs this component (a package may carry others, e.g. for other runtimes).
bool Model::uses(const std::string& component) const {
  const GeneratorSpec& g = manifest_.generator;
  if (g.component == component) return true;
  for (auto& r : g.components)
    if (r.second == component) return true;
  for (const StateSlot& s : slots_)
    if (s.feeds(component) || s.initComponent == component) return true;
  for (const ConstantEntry& c : manifest_.constants)
    if (c.component == component) return true;
  return false;
}

std::string Model::componentsJson() const {
  Json a = Json::array();
  for (const Component& c : manifest_.components) {
    Json ins = Json::array(), outs = Json::array(), stateOuts = Json::array();
    for (const TensorDesc& t : c.inputs) ins.push_back(t.name);
    for (const TensorDesc& t : c.outputs) {
      outs.push_back(t.name);
      for (const StateSlot& s : slots_)
        if (s.writtenBy(c.name, t.name)) {
          stateOuts.push_back(t.name);
          break;
        }
    }
    Json e = {{"name", c.name}};
    e.update(fileRefJson(c));
    e["inputs"] = ins;
    e["outputs"] = outs;
    e["state_outputs"] = stateOuts;
    Json ext = Json::array();
    for (const FileRef& f : c.externalData) ext.push_back(fileRefJson(f));
    e["external_data"] = ext;
    e["used"] = uses(c.name);
    a.push_back(std::move(e));
  }
  return a.dump();
}

std::string Model::infoJson() const {
  Json dims = Json::object();
  for (auto& d : manifest_.dims) dims[d.first] = d.second;
  Json gen = manifest_.generator.raw;
  Json generation = manifest_.generation;
  if (manifest_.generator.type == "stream") {
    gen["chunk"] = manifest_.generator.chunk;
    gen["sample_rate"] = manifest_.generator.sample_rate ? Json(manifest_.generator.sample_rate) : Json(nullptr);
  } else if (manifest_.generator.type == "decoder") {
    generation = decoderOptionsJson(decoderDefaults(manifest_));  // the effective defaults
  } else if (manifest_.generator.type == "musicgen") {
    generation = musicgenDefaultsJson(musicgenDefaults(manifest_, musicgenSpec(manifest_)));
  }
  return Json{{"name", manifest_.name}, {"format", manifest_.format}, {"dims", dims},
              {"generator", gen}, {"generation", generation},
              {"tokenizer", manifest_.tokenizer ? fileRefJson(*manifest_.tokenizer) : Json(nullptr)}}
      .dump();
}

void Model::validateComponent(const std::string& component, const std::string& io_json) const {
  checkSession(manifest_, component, parseSessionIO(io_json));
}

std::unique_ptr<Generator> Model::createGenerator(const std::string& options_json) const {
  const Json options = options_json.empty() ? Json::object() : json_util::parse(options_json, "generator options");
  std::shared_ptr<const Model> self = shared_from_this();
  if (manifest_.generator.type == "decoder") return std::make_unique<DecoderGenerator>(self, options);
  if (manifest_.generator.type == "classifier") return std::make_unique<ClassifierGenerator>(self, options);
  if (manifest_.generator.type == "musicgen") return std::make_unique<MusicgenGenerator>(self, options);
  return std::make_unique<StreamGenerator>(self, options);
}

}  // namespace weft
