#include "weft/sample_intake.h"

#include <cmath>
#include <cstring>

#include "weft/error.h"

namespace weft {

SampleIntake::SampleIntake(std::string who, std::function<std::string(std::uint64_t, bool)> nonFinite)
    : who_(std::move(who)), nonFinite_(std::move(nonFinite)) {}

float* SampleIntake::view(std::size_t n) {
  if (finished_) throw Error(who_ + ": pushView() after finish()");
  if (head_ > 0) {  // drop consumed samples so the buffer does not grow without bound
    std::memmove(buffer_.data(), buffer_.data() + head_, (tail_ - head_) * sizeof(float));
    tail_ -= head_;
    head_ = 0;
  }
  buffer_.resize(tail_ + n);
  reserved_ = n;
  return buffer_.data() + tail_;
}

void SampleIntake::push(std::size_t n) {
  if (finished_) throw Error(who_ + ": push() after finish()");
  if (n > reserved_)
    throw Error(who_ + ": push(" + std::to_string(n) + ") but the last pushView() reserved only " + std::to_string(reserved_) + " samples");
  const float* fresh = buffer_.data() + tail_;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(fresh[i])) throw Error(nonFinite_(pushed_ + i, std::isnan(fresh[i])));
  tail_ += n;
  pushed_ += n;
  reserved_ = 0;
}

void SampleIntake::release() {
  finished_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  head_ = tail_ = reserved_ = 0;
}

}  // namespace weft
