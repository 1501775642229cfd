// Pushed float samples, shared by every generator that takes audio through pushView/push/finish:
// view = pushView(n) -> the caller writes up to n samples there -> push(k <= n); finish() ends the
// input. Samples are checked finite as they are committed (NaN or Inf would silently poison a
// recurrent state or an encoder); the owner consumes them from the front.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace weft {

class SampleIntake {
 public:
  // who: "stream generator" (protocol errors); nonFinite: the message for a NaN / Inf sample at
  // `index` (counted over everything pushed).
  SampleIntake(std::string who, std::function<std::string(std::uint64_t index, bool nan)> nonFinite);

  float* view(std::size_t n);  // reserves n samples after the pending ones
  void push(std::size_t n);    // commits n <= the last view's samples
  void finish() { finished_ = true; }
  void release();              // drops everything; further input is refused

  bool finished() const { return finished_; }
  std::uint64_t pushed() const { return pushed_; }
  std::size_t available() const { return tail_ - head_; }
  const float* data() const { return buffer_.data() + head_; }
  void consume(std::size_t n) { head_ += n; }

 private:
  std::string who_;
  std::function<std::string(std::uint64_t, bool)> nonFinite_;
  std::vector<float> buffer_;  // pending samples live in [head_, tail_)
  std::size_t head_ = 0, tail_ = 0, reserved_ = 0;
  std::uint64_t pushed_ = 0;
  bool finished_ = false;
};

}  // namespace weft
