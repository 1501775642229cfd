// The step machine every generator implements (docs/ARCHITECTURE.md, "The step machine"): JS asks
// next() for a plan, runs it, copies the outputs the plan asked for into host buffers, and calls
// accept().
// This base class owns the bookkeeping shared by all generators: host buffers, the
// plan-then-accept protocol, timing, and the rule that after any error the generator is finished
// and holds nothing. Subclasses only decide what each plan contains and what a result means.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/host_buffer.h"
#include "weft/plan.h"
#include "weft/state.h"

namespace weft {

class Model;

class Generator {
 public:
  explicit Generator(std::shared_ptr<const Model> model);
  virtual ~Generator() = default;
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  std::string slotsJson() const;  // initial state shapes for this generator's batch
  // Rows the state slots hold (their initial shapes' batch dim): 1 unless a subclass batches.
  virtual std::int64_t batchRows() const { return 1; }
  // The length of in-place state slots' axis for this generator (0: it runs none of them).
  virtual std::int64_t cacheCapacity() const { return 0; }
  std::string constantsJson() const;  // [{"component","name","dtype","shape"}]
  const HostBuffer& constant(int i) const;

  std::string next();  // plan JSON, or "" when nothing is to run (finished or waiting for input)
  HostBuffer& input(int host);                   // a host input buffer of the current plan
  HostBuffer& output(int host, std::size_t n);   // resized to n elements for JS to fill
  int accept();                                  // number of new results
  bool done() const { return failed_ || isDone(); }

  // Stream input (generators without streaming input throw).
  float* pushView(std::size_t n);
  void push(std::size_t n);
  void finish();

  virtual const std::vector<std::int32_t>& tokens() const;  // decoder: generated ids
  virtual const std::vector<float>& results() const;        // stream: concatenated results
  std::string statsJson() const;

 protected:
  virtual std::optional<Plan> makePlan() = 0;  // nullopt: nothing to run now
  virtual int onAccept() = 0;
  virtual bool isDone() const = 0;
  virtual float* onPushView(std::size_t n);
  virtual void onPush(std::size_t n);
  virtual void onFinish();
  virtual void release() {}  // drop everything a subclass holds (after an error)
  virtual void addStats(nlohmann::ordered_json& stats) const { (void)stats; }
  virtual const char* kind() const = 0;

  // Runs f (every call into the generator, also a subclass's own input calls), adding its time
  // to the core's stats; any exception finishes the generator and frees what it holds before
  // propagating, so a failed generator cannot be half-used.
  template <class F>
  auto guarded(F&& f) -> decltype(f()) {
    const auto t0 = std::chrono::steady_clock::now();
    struct Timer {
      std::chrono::steady_clock::time_point t0;
      double& acc;
      ~Timer() { acc += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); }
    } timer{t0, coreMs_};
    try {
      return f();
    } catch (...) {
      abandon();
      throw;
    }
  }
  void checkUsable(const char* what) const;  // throws after a failure

  // The plan skeleton for `component`: every manifest input is fed by a host buffer (named in
  // hostInputs), its state slot or its constant, else this throws; outputs are the host outputs
  // given plus every state output. Host input shapes are filled per step by the subclass.
  struct HostOutput {
    std::string name;
    int host;
    std::int64_t tail;  // -1 = all elements
  };
  Plan planTemplate(const std::string& component,
                    const std::vector<std::pair<std::string, int>>& hostInputs,
                    const std::vector<HostOutput>& hostOutputs) const;
  int addHostBuffer(DType t) { return host_.add(t); }  // returns its index
  HostBuffer& host(int i) { return host_[i]; }
  HostBuffers& hostBuffers() { return host_; }
  const Model& model() const { return *model_; }
  int steps() const { return steps_; }

 private:
  void abandon();  // the generator is finished and drops everything it holds
  HostBuffer& hostChecked(int i, const char* what);

  std::shared_ptr<const Model> model_;
  HostBuffers host_;
  bool planOut_ = false;  // a plan was handed out and not yet accepted
  bool failed_ = false;
  int steps_ = 0;
  double coreMs_ = 0.0;
};

}  // namespace weft
