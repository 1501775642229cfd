// Image classifier generator (type "classifier"): one RGBA image in, one run of the classifier
// component, then softmax or sigmoid and top-k with the manifest's labels.
//
// Manifest: generator {"type": "classifier", "component", "io": {"pixel_values", "logits"},
//   "preprocess": {resize, crop, pad, channels, mean, std, interpolation, max_pixels} (see image.h),
//   "postprocess": "softmax" | "sigmoid" (multi-label) | "none" (the output already is scores),
//   "labels": [...], "top_k": 5}.
// Options: {"width", "height" (required), "top_k"}. The size is checked (zero-sized,
// over max_pixels) here, before JS extracts or copies any pixel.
// Input: the image's RGBA bytes, typed as bytes end to end: rgbaView(width * height * 4) returns
// the buffer the caller fills (row-major RGBA, as ImageData.data), pushRgba() commits it. The
// float sample protocol of stream generators (pushView/push) is refused.
// results(): the logits of the image; statsJson() carries "top": [{index, label, score}].
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator.h"
#include "weft/generator_type.h"
#include "weft/image.h"

namespace weft {

struct Manifest;

struct ClassifierSpec : GeneratorSpecBase {
  ImageSpec image;
  std::string postprocess = "softmax";  // "softmax", "sigmoid" or "none"
  std::int64_t classes = 0;
  std::int64_t topK = 5;
  std::vector<std::string> labels;  // one per class
};

const GeneratorType& classifierGeneratorType();

class ClassifierGenerator : public Generator {
 public:
  ClassifierGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<float>& results() const override { return logits_; }

  std::uint8_t* rgbaView(std::size_t bytes);  // bytes must be width * height * 4
  void pushRgba();

 protected:
  std::optional<Plan> makePlan() override;
  int onAccept() override;
  bool isDone() const override { return accepted_; }
  void release() override;
  void addStats(nlohmann::ordered_json& stats) const override;
  const char* kind() const override { return "classifier"; }

 private:
  const ClassifierSpec& spec_;
  Plan plan_;
  int pixelsHost_ = -1, logitsHost_ = -1;
  std::int64_t width_ = 0, height_ = 0, topK_ = 5;
  std::vector<std::uint8_t> rgba_;
  bool viewed_ = false, pushed_ = false, planned_ = false, accepted_ = false;
  std::vector<float> logits_, scores_;
  std::vector<std::int64_t> top_;
  double preprocessMs_ = 0.0;
};

}  // namespace weft
