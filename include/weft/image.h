// Image preprocessing for classifiers: RGBA bytes (what a canvas, ImageData or createImageBitmap
// gives) to a normalized NCHW float tensor, equal to torchvision's
//   Resize(size, interpolation, antialias=True) -> CenterCrop(crop) -> ToTensor -> Normalize
// applied to a PIL RGB image. Resizing reproduces Pillow's separable, antialiased resampling
// (horizontal pass, then vertical, each rounded to uint8 with Pillow's 22-bit fixed-point
// coefficients), so for the same RGB bytes the uint8 image equals PIL's and the tensor equals
// torchvision's. Alpha is ignored (PIL's convert('RGB') drops it the same way).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weft {

enum class Interpolation { Bilinear, Bicubic };

struct ImageSpec {
  // resize: shorter side to resize[0] (torchvision Resize(int)) when resizeShorter, else exact
  // (height, width) (torchvision Resize((h, w))). 0 = no resize.
  bool resizeShorter = true;
  std::array<std::int64_t, 2> resize{0, 0};
  std::array<std::int64_t, 2> crop{0, 0};  // (height, width); 0 = no crop
  std::array<float, 3> mean{0.f, 0.f, 0.f};
  std::array<float, 3> std{1.f, 1.f, 1.f};
  Interpolation interpolation = Interpolation::Bilinear;
  std::int64_t maxPixels = 40'000'000;  // larger inputs are refused before any allocation

  // Parses generator.preprocess (docs/MANIFEST.md, "classifier"); errors name `path`.
  static ImageSpec parse(const nlohmann::ordered_json& j, const std::string& path);
  // Output (height, width) for an input of (h, w).
  std::array<std::int64_t, 2> outputSize(std::int64_t h, std::int64_t w) const;
  // Throws a weft::Error naming the problem for a zero-sized or too large image.
  void checkInput(std::int64_t width, std::int64_t height) const;
};

// RGBA (width*height*4 bytes) -> float32 [3, outH, outW] (outputSize(height, width)) written to
// `out`, which must hold that many floats. Only the pixels the crop keeps are resampled.
void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    float* out);
// The same into a vector sized here.
void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    std::vector<float>& out);

}  // namespace weft
