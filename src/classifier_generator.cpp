#include "weft/classifier_generator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "json_util.h"
#include "weft/error.h"
#include "weft/model.h"

namespace weft {
namespace ju = json_util;

namespace {

// Parses and checks generator.* of a classifier manifest (labels count, input size) at load.
std::shared_ptr<const GeneratorSpecBase> parseClassifierSpec(const Manifest& m) {
  const char* kP = "weft.json: ";
  const Json& g = m.generator.raw;
  const Component& c = *m.component(*m.generator.componentFor("component"));
  auto sp = std::make_shared<ClassifierSpec>();
  ClassifierSpec& s = *sp;
  s.image = ImageSpec::parse(ju::require(g, "preprocess", kP, "generator"), "generator.preprocess");
  const TensorDesc& in = *c.findInput(*m.generator.role("pixel_values"));
  const TensorDesc& out = *c.findOutput(*m.generator.role("logits"));
  // The graph input is [batch, 3, H, W]; a fixed H or W must equal the preprocessed size, which
  // must then be the same for every image.
  if (in.shape.size() != 4 || !in.shape[1].fixed() || in.shape[1].value != 3)
    ju::fail(kP, "generator.io.pixel_values", "input '" + in.name + "' must be [batch, 3, height, width] but is " + shapeString(in.shape));
  if (s.image.crop[0] == 0 && s.image.pad[0] == 0 && s.image.resizeMode == ResizeMode::Shorter)
    ju::fail(kP, "generator.preprocess", "a shorter-side resize needs a crop to give a fixed input size");
  const auto size = s.image.fixedOutputSize();
  const char* const axes[2] = {"height", "width"};
  for (int a = 0; a < 2; ++a) {
    if (!in.shape[2 + a].fixed()) continue;
    if (size[a] < 0)
      ju::fail(kP, "generator.preprocess", std::string("gives a ") + axes[a] + " that depends on the image but input '" + in.name +
                                               "' is " + shapeString(in.shape) + " (a pad or crop gives a fixed size)");
    if (in.shape[2 + a].value != size[a])
      ju::fail(kP, "generator.preprocess", std::string("gives ") + axes[a] + " " + std::to_string(size[a]) + " but input '" +
                                               in.name + "' is " + shapeString(in.shape));
  }
  if (out.shape.size() != 2 || !out.shape[1].fixed())
    ju::fail(kP, "generator.io.logits", "output '" + out.name + "' must be [batch, classes] with fixed classes but is " + shapeString(out.shape));
  s.classes = out.shape[1].value;
  if (g.contains("postprocess")) s.postprocess = ju::asString(g["postprocess"], kP, "generator.postprocess");
  if (s.postprocess != "softmax" && s.postprocess != "sigmoid" && s.postprocess != "none")
    ju::fail(kP, "generator.postprocess", "expected one of softmax, sigmoid, none (the output already is scores) but got '" +
                                              s.postprocess + "'");
  if (g.contains("top_k")) s.topK = ju::asInt(g["top_k"], kP, "generator.top_k");
  if (s.topK < 1) ju::fail(kP, "generator.top_k", "must be >= 1");
  if (g.contains("labels")) {
    const Json& l = g["labels"];
    ju::expectArray(l, kP, "generator.labels");
    if (static_cast<std::int64_t>(l.size()) != s.classes)
      ju::fail(kP, "generator.labels", std::to_string(l.size()) + " labels but output '" + out.name + "' has " +
                                           std::to_string(s.classes) + " classes");
    for (std::size_t i = 0; i < l.size(); ++i) s.labels.push_back(ju::asString(l[i], kP, ju::index("generator.labels", i)));
  } else {
    for (std::int64_t i = 0; i < s.classes; ++i) s.labels.push_back("class " + std::to_string(i));
  }
  return sp;
}

}  // namespace

ClassifierGenerator::ClassifierGenerator(std::shared_ptr<const Model> model, const Json& options)
    : Generator(std::move(model)), spec_(this->model().spec<ClassifierSpec>()) {
  topK_ = spec_.topK;
  if (auto v = options.find("width"); v != options.end()) width_ = ju::asInt(*v, "", "options.width");
  if (auto v = options.find("height"); v != options.end()) height_ = ju::asInt(*v, "", "options.height");
  if (auto v = options.find("top_k"); v != options.end()) topK_ = ju::asInt(*v, "", "options.top_k");
  if (!options.contains("width") || !options.contains("height"))
    throw Error("classifier: options need the image's width and height");
  if (topK_ < 1) throw Error("options.top_k: must be >= 1, got " + std::to_string(topK_));
  if (width_ < 1 || height_ < 1)  // before checkInput, so the message names the option
    throw Error("image is " + std::to_string(width_) + "x" + std::to_string(height_) + ": it has no pixels to classify (options." +
                (width_ < 1 ? "width" : "height") + ")");
  spec_.image.checkInput(width_, height_);  // before anyone allocates the pixels
  const GeneratorSpec& g = this->model().manifest().generator;
  pixelsHost_ = addHostBuffer(DType::Float32);
  logitsHost_ = addHostBuffer(DType::Float32);
  plan_ = planTemplate(*g.componentFor("component"), {{*g.role("pixel_values"), pixelsHost_}},
                       {HostOutput{*g.role("logits"), logitsHost_, -1}});
  const auto size = spec_.image.outputSize(height_, width_);
  for (PlanInput& p : plan_.inputs)
    if (p.source == Source::Host) p.shape = {1, 3, size[0], size[1]};
}

std::uint8_t* ClassifierGenerator::rgbaView(std::size_t bytes) {
  return guarded([&] {
    checkUsable("rgbaView");
    if (viewed_ || pushed_) throw Error("classifier: rgbaView() called twice (one image per generator)");
    const std::int64_t expected = width_ * height_ * 4;
    if (static_cast<std::int64_t>(bytes) != expected)
      throw Error("classifier: rgbaView(" + std::to_string(bytes) + ") but a " + std::to_string(width_) + "x" +
                  std::to_string(height_) + " RGBA image has " + std::to_string(expected) + " bytes");
    rgba_.assign(bytes, 0);
    viewed_ = true;
    return rgba_.data();
  });
}

void ClassifierGenerator::pushRgba() {
  guarded([&] {
    checkUsable("pushRgba");
    if (!viewed_ || pushed_) throw Error("classifier: pushRgba() must follow rgbaView() once");
    pushed_ = true;
  });
}

std::optional<Plan> ClassifierGenerator::makePlan() {
  if (!pushed_ || planned_) return std::nullopt;
  const auto t0 = std::chrono::steady_clock::now();
  const auto size = spec_.image.outputSize(height_, width_);
  HostBuffer& b = host(pixelsHost_);
  b.resize(static_cast<std::size_t>(3 * size[0] * size[1]));
  preprocessRgba(rgba_.data(), width_, height_, spec_.image, b.as<float>());  // straight into the plan's input
  rgba_.clear();
  rgba_.shrink_to_fit();
  preprocessMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  planned_ = true;
  return plan_;
}

int ClassifierGenerator::onAccept() {
  HostBuffer& out = host(logitsHost_);
  if (static_cast<std::int64_t>(out.size()) != spec_.classes)
    throw Error("classifier: the model returned " + std::to_string(out.size()) + " logits, expected " + std::to_string(spec_.classes));
  const float* l = out.as<float>();
  logits_.assign(l, l + out.size());
  for (float v : logits_)
    if (!std::isfinite(v)) throw Error("classifier: the model returned a non-finite logit (NaN or infinity)");
  scores_.resize(logits_.size());
  if (spec_.postprocess == "none") {
    scores_ = logits_;  // the graph's output already is the scores
  } else if (spec_.postprocess == "sigmoid") {
    for (std::size_t i = 0; i < logits_.size(); ++i) scores_[i] = 1.0f / (1.0f + std::exp(-logits_[i]));
  } else {  // stable softmax in double
    const float mx = *std::max_element(logits_.begin(), logits_.end());
    double sum = 0;
    for (float v : logits_) sum += std::exp(static_cast<double>(v) - mx);
    for (std::size_t i = 0; i < logits_.size(); ++i) scores_[i] = static_cast<float>(std::exp(static_cast<double>(logits_[i]) - mx) / sum);
  }
  // Top-k by score; ties keep the lower class index first (like a stable sort).
  top_.resize(logits_.size());
  std::iota(top_.begin(), top_.end(), 0);
  const std::size_t k = static_cast<std::size_t>(std::min<std::int64_t>(topK_, spec_.classes));
  std::partial_sort(top_.begin(), top_.begin() + k, top_.end(), [&](std::int64_t a, std::int64_t b) {
    return scores_[a] != scores_[b] ? scores_[a] > scores_[b] : a < b;
  });
  top_.resize(k);
  host(pixelsHost_).clear();
  accepted_ = true;
  return static_cast<int>(logits_.size());
}

void ClassifierGenerator::release() {
  rgba_.clear();
  rgba_.shrink_to_fit();
  logits_.clear();
  scores_.clear();
  top_.clear();
  accepted_ = true;
}

void ClassifierGenerator::addStats(Json& s) const {
  Json top = Json::array();
  for (std::int64_t i : top_)
    top.push_back({{"index", i}, {"label", spec_.labels[static_cast<std::size_t>(i)]}, {"score", scores_[static_cast<std::size_t>(i)]}});
  s["width"] = width_;
  s["height"] = height_;
  s["postprocess"] = spec_.postprocess;
  s["preprocess_ms"] = preprocessMs_;
  s["top"] = std::move(top);
}

const GeneratorType& classifierGeneratorType() {
  static const GeneratorType t{
      "classifier",
      {{"component", true}},
      {{"pixel_values", true, true, {"component"}, DType::Float32}, {"logits", false, true, {"component"}, DType::Float32}},
      {"preprocess", "postprocess", "labels", "top_k"},
      {{"width", OptionKind::Integer, "the image's width in pixels (required)", nullptr, 1, {}, false, ""},
       {"height", OptionKind::Integer, "the image's height in pixels (required)", nullptr, 1, {}, false, ""},
       {"top_k", OptionKind::Integer, "how many labels to report (default: generator.top_k)", nullptr, 1, {}, false, ""}},
      parseClassifierSpec,
      [](std::shared_ptr<const Model> m, const Json& o) -> std::unique_ptr<Generator> { return std::make_unique<ClassifierGenerator>(std::move(m), o); },
  };
  return t;
}

}  // namespace weft
