// Image preprocessing for classifiers: RGBA bytes (what a canvas, ImageData or createImageBitmap
// gives) to a normalized NCHW float tensor. With the torchvision keys it equals
//   Resize(size, interpolation, antialias=True) -> CenterCrop(crop) -> ToTensor -> Normalize
// applied to a PIL RGB image; the aspect-preserving modes (fit inside a box, fixed height) and
// `pad` give the OCR and letterbox layouts. Resizing reproduces Pillow's one-call Image.resize:
// two separable, antialiased passes, each rounded to uint8 with Pillow's 22-bit fixed-point
// coefficients, in Pillow's order (image_passes.h), so for the same RGB bytes the uint8 image
// equals PIL's. Alpha is ignored (PIL's convert('RGB') drops it the same way).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weft {

enum class Interpolation { Bilinear, Bicubic };

enum class ResizeMode {
  None,     // no resize
  Shorter,  // torchvision Resize(int): the shorter side becomes resize[0]
  Exact,    // torchvision Resize((h, w)): exactly resize
  Fit,      // the largest size inside resize (h, w) that keeps the aspect ratio (letterbox)
  Height,   // height resize[0], width from the aspect ratio, at most resize[1] (0: no limit)
};

// How Fit and Height round the side they compute from the aspect ratio.
enum class Rounding { HalfEven, Ceil, Floor };

// Where the resized image sits on the pad canvas.
enum class PadPosition { TopLeft, Center };

// The visible part of the resized image in the output: the output is (height, width); output
// pixel (y, x) is resized pixel (y + top, x + left), or fill where that is outside the image.
struct Placement {
  std::int64_t height, width, top, left;
};

struct ImageSpec {
  ResizeMode resizeMode = ResizeMode::None;
  std::array<std::int64_t, 2> resize{0, 0};  // (height, width); see ResizeMode
  Rounding rounding = Rounding::HalfEven;
  std::array<std::int64_t, 2> crop{0, 0};  // (height, width); 0 = no crop
  std::array<std::int64_t, 2> pad{0, 0};   // canvas (height, width); 0 = no pad
  PadPosition padPosition = PadPosition::TopLeft;
  // Per tensor channel: what the output holds where no image pixel lands (pad or crop padding).
  std::array<float, 3> fill{0.f, 0.f, 0.f};
  bool bgr = false;  // tensor channels B, G, R instead of R, G, B
  std::array<float, 3> mean{0.f, 0.f, 0.f};  // per tensor channel
  std::array<float, 3> std{1.f, 1.f, 1.f};
  Interpolation interpolation = Interpolation::Bilinear;
  std::int64_t maxPixels = 40'000'000;  // larger inputs are refused before any allocation

  // Parses generator.preprocess (docs/MANIFEST.md, "classifier"); errors name `path`.
  static ImageSpec parse(const nlohmann::ordered_json& j, const std::string& path);
  // (height, width) after the resize step for an input of (h, w); the input's size without one.
  std::array<std::int64_t, 2> resizedSize(std::int64_t h, std::int64_t w) const;
  // Output (height, width) for an input of (h, w).
  std::array<std::int64_t, 2> outputSize(std::int64_t h, std::int64_t w) const;
  // The output's size on each axis when it is the same for every input, else -1.
  std::array<std::int64_t, 2> fixedOutputSize() const;
  // Where the resized (h, w) image lands in the output (crop, pad or neither).
  Placement place(std::int64_t h, std::int64_t w) const;
  // Throws a weft::Error naming the problem for a zero-sized or too large image.
  void checkInput(std::int64_t width, std::int64_t height) const;
};

// RGBA (width*height*4 bytes) -> float32 [3, outH, outW] (outputSize(height, width)) written to
// `out`, which must hold that many floats. Only the pixels the output keeps are resampled.
void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    float* out);
// The same into a vector sized here.
void preprocessRgba(const std::uint8_t* rgba, std::int64_t width, std::int64_t height, const ImageSpec& spec,
                    std::vector<float>& out);

}  // namespace weft
