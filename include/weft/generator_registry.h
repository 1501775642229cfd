// The one table of generator types. Nothing else in the core or the JS layer dispatches on a
// type's name: the manifest parser, the model and the bindings look types up here, and the JS
// tasks read each type's options schema from generatorTypesJson().
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator_type.h"

namespace weft {

const std::vector<const GeneratorType*>& generatorTypes();
// nullptr when no type has that name.
const GeneratorType* findGeneratorType(const std::string& name);
std::string generatorTypeNames();  // "decoder, stream, …" for messages

// Checks a request against the type's options schema before its parser reads it: an object,
// no unknown keys (the error lists the known ones), each value of its option's JSON kind.
void checkOptions(const GeneratorType& type, const nlohmann::ordered_json& options);

// {"<type>": {"components": [{"key","required"}], "io": [{"name","input","required","components"}],
//  "keys": [...], "options": [{"name","js","kind","doc","default","min","max","min_exclusive"}]}}
nlohmann::ordered_json generatorTypeJson(const GeneratorType& type);
std::string generatorTypesJson();

}  // namespace weft
