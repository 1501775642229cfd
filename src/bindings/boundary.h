// Shared by every binding file in src/bindings/ (one file per concept, each with its own
// EMSCRIPTEN_BINDINGS block): the conversion of C++ exceptions into JS Errors ("weft: ..."),
// typed views on WASM memory, and argument conversion that cannot leak when a call throws.
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>

#include "weft/error.h"
#include "weft/host_buffer.h"

namespace weft::bindings {

using emscripten::val;

[[noreturn]] inline void throwJsError(const std::string& msg) {
  val err = val::undefined();
  {
    const std::string m = msg.rfind("weft:", 0) == 0 ? msg : "weft: internal error: " + msg;
    err = val::global("Error").new_(m);
  }  // strings are destroyed before the JS exception unwinds through this frame
  err.throw_();
  __builtin_unreachable();
}

// Runs f; a C++ exception becomes a JS Error. The message is copied out of the catch block so the
// C++ exception is fully finished before the JS one is thrown.
template <class F>
inline auto guard(F&& f) -> decltype(f()) {
  std::string msg;
  try {
    return f();
  } catch (const std::exception& e) {
    msg = e.what();
  } catch (...) {
    msg = "weft: unknown internal error";
  }
  throwJsError(msg);
}

// A typed array of the buffer's dtype on WASM memory. Embind (3.1.x) has no int64 memory view,
// so BigInt64Array is built on the same bytes by hand (storage is 8-byte aligned).
inline val viewOf(const weft::HostBuffer& b) {
  using weft::DType;
  void* p = const_cast<void*>(b.data());
  const std::size_t n = b.size();
  switch (b.dtype()) {
    case DType::Float32: return val(emscripten::typed_memory_view(n, static_cast<float*>(p)));
    case DType::Float16: return val(emscripten::typed_memory_view(n, static_cast<std::uint16_t*>(p)));
    case DType::Int32: return val(emscripten::typed_memory_view(n, static_cast<std::int32_t*>(p)));
    case DType::Int8: return val(emscripten::typed_memory_view(n, static_cast<std::int8_t*>(p)));
    case DType::Uint8:
    case DType::Bool: return val(emscripten::typed_memory_view(n, static_cast<std::uint8_t*>(p)));
    case DType::Int64: {
      val bytes(emscripten::typed_memory_view(b.bytes(), static_cast<std::uint8_t*>(p)));
      return val::global("BigInt64Array").new_(bytes["buffer"], bytes["byteOffset"], val(static_cast<double>(n)));
    }
  }
  return val::undefined();
}

// JSON and name arguments arrive as `val`, not std::string: embind 3.1.x's glue mallocs a copy of
// each std::string argument and frees it only when the call returns normally, so every call that
// throws would leak it. A val is a handle; the copy below is made and freed inside the core.
// Objects are accepted too and serialised with JSON.stringify.
inline std::string jsonArg(const val& v, const char* what, bool optional = false) {
  if (v.isString()) return v.as<std::string>();
  if (optional && (v.isUndefined() || v.isNull())) return "";
  if (!v.isUndefined() && !v.isNull() && v.typeOf().as<std::string>() == "object")
    return val::global("JSON").call<std::string>("stringify", v);
  throw weft::Error(std::string(what) + ": expected a JSON string");
}

inline std::string stringArg(const val& v, const char* what) {
  if (!v.isString()) throw weft::Error(std::string(what) + ": expected a string");
  return v.as<std::string>();
}

// A Uint8Array / ArrayBuffer / string argument copied once into core memory.
inline std::string blobArg(const val& v, const char* what) {
  if (v.isString()) return v.as<std::string>();
  val bytes = v;
  if (v.instanceof(val::global("ArrayBuffer"))) bytes = val::global("Uint8Array").new_(v);
  if (!bytes.instanceof(val::global("Uint8Array"))) throw weft::Error(std::string(what) + ": expected a Uint8Array, ArrayBuffer or string");
  std::string out(bytes["length"].as<std::size_t>(), '\0');
  val(emscripten::typed_memory_view(out.size(), reinterpret_cast<std::uint8_t*>(out.data()))).call<void>("set", bytes);
  return out;
}

}  // namespace weft::bindings
