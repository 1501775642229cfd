// The core's version, set by CMake from the project version.
#pragma once

namespace weft {

#ifdef WEFT_VERSION
inline const char* version() { return WEFT_VERSION; }
#else
inline const char* version() { return "unknown"; }
#endif

}  // namespace weft
