// Streaming generator (type "stream", e.g. Silero VAD): pushed samples are cut into fixed-size
// chunks, each run through a stateful component; each run's whole `result` output is appended to
// results(). Input: the shared sample protocol (sample_intake.h); finish() flushes a last partial
// chunk, zero-padded. With generator.context = N, each run's input is the last N samples of the
// previous run's input (zeros before the first) followed by the chunk. next() returns "" while no
// full chunk is ready. Options: none.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator.h"
#include "weft/generator_type.h"
#include "weft/sample_intake.h"

namespace weft {

// generator.chunk (else the last dim of the samples input less the context, else dims.chunk),
// context and sample_rate.
struct StreamSpec : GeneratorSpecBase {
  std::int64_t chunk = 0;
  std::int64_t context = 0;  // samples of the previous input prepended to each chunk
  std::int64_t sampleRate = 0;  // 0 when not given
  std::vector<std::int64_t> chunkShape;  // the samples input holding context + chunk (symbolic dims 1)
  void describe(nlohmann::ordered_json& generator, nlohmann::ordered_json& generation) const override;
};

const GeneratorType& streamGeneratorType();

class StreamGenerator : public Generator {
 public:
  StreamGenerator(std::shared_ptr<const Model> model, const nlohmann::ordered_json& options);
  const std::vector<float>& results() const override { return results_; }

 protected:
  std::optional<Plan> makePlan() override;
  int onAccept() override;
  bool isDone() const override { return intake_.finished() && intake_.available() == 0 && !chunkRunning_; }
  float* onPushView(std::size_t n) override { return intake_.view(n); }
  void onPush(std::size_t n) override { intake_.push(n); }
  void onFinish() override { intake_.finish(); }
  void release() override;
  void addStats(nlohmann::ordered_json& stats) const override;
  const char* kind() const override { return "stream"; }

 private:
  const StreamSpec& spec_;
  Plan plan_;
  int samplesHost_ = -1, resultHost_ = -1;
  SampleIntake intake_;
  std::vector<float> results_;
  std::vector<float> context_;  // the last spec_.context samples of the previous input
  std::int64_t padded_ = 0;
  bool chunkRunning_ = false;  // a chunk was planned and its result not yet accepted
};

}  // namespace weft
