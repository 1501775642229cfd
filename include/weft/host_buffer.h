// A typed buffer owned by the core and shared with JS through a zero-copy view on WASM memory.
// Storage is a vector of 8-byte words so that any element type — int64 included — is aligned,
// which typed array views (BigInt64Array needs 8-byte alignment) require.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/dtype.h"

namespace weft {

class HostBuffer {
 public:
  HostBuffer() = default;
  explicit HostBuffer(DType t) : dtype_(t) {}

  DType dtype() const { return dtype_; }
  std::size_t size() const { return size_; }  // elements
  std::size_t bytes() const { return size_ * dtypeSize(dtype_); }
  void resize(std::size_t n) {
    words_.resize((n * dtypeSize(dtype_) + 7) / 8);
    size_ = n;
  }
  void clear() {
    words_.clear();
    words_.shrink_to_fit();  // "holds nothing" after an error or when finished
    size_ = 0;
  }
  void* data() { return words_.data(); }
  const void* data() const { return words_.data(); }
  template <class T>
  T* as() { return reinterpret_cast<T*>(words_.data()); }
  template <class T>
  const T* as() const { return reinterpret_cast<const T*>(words_.data()); }

 private:
  DType dtype_ = DType::Float32;
  std::size_t size_ = 0;
  std::vector<std::uint64_t> words_;
};

// A generator's host buffers, addressed by index from plans (the JS side asks for views by index).
class HostBuffers {
 public:
  int add(DType t) {
    buffers_.emplace_back(t);
    return static_cast<int>(buffers_.size() - 1);
  }
  HostBuffer& operator[](int i) { return buffers_[static_cast<std::size_t>(i)]; }
  const HostBuffer& operator[](int i) const { return buffers_[static_cast<std::size_t>(i)]; }
  std::size_t size() const { return buffers_.size(); }
  void clearAll() {
    for (HostBuffer& b : buffers_) b.clear();
  }

 private:
  std::vector<HostBuffer> buffers_;
};

}  // namespace weft
