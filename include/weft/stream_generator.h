// Streaming generator (e.g. Silero VAD): pushed samples are cut into fixed-size chunks, each run
// through a stateful component; each run's whole `result` output is appended to results().
// Input protocol: view = pushView(n) -> write up to n samples -> push(k <= n); finish() flushes a
// last partial chunk, zero-padded. next() returns "" while no full chunk is ready.
// Options JSON: {} (none yet; unknown keys are an error).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator.h"

namespace weft {

class StreamGenerator : public Generator {
 public:
  StreamGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<float>& results() const override { return results_; }
  std::int64_t chunk() const { return chunk_; }

 protected:
  std::optional<Plan> makePlan() override;
  int onAccept() override;
  bool isDone() const override { return inputDone_ && head_ == tail_ && !running_; }
  float* onPushView(std::size_t n) override;
  void onPush(std::size_t n) override;
  void onFinish() override { inputDone_ = true; }
  void release() override;
  void addStats(nlohmann::ordered_json& stats) const override;
  const char* kind() const override { return "stream"; }

 private:
  std::int64_t chunk_ = 0;
  Plan plan_;
  int samplesHost_ = -1, resultHost_ = -1;
  // Pending samples live in pending_[head_, tail_); pushView reserves [tail_, tail_ + reserved_).
  std::vector<float> pending_;
  std::size_t head_ = 0, tail_ = 0, reserved_ = 0;
  std::vector<float> results_;
  std::int64_t pushed_ = 0, padded_ = 0;
  bool inputDone_ = false;
  bool running_ = false;  // a chunk was planned and its result not yet accepted
};

}  // namespace weft
