// Internal: the weft.json parser, split by section over manifest.cpp (top level, components,
// constants), manifest_state.cpp (state entries) and manifest_generator.cpp (the generator
// object, checked against the registry). Every error is "weft.json: <json path>: <problem>".
#pragma once
#include <initializer_list>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "json_util.h"
#include "weft/manifest.h"
#include "weft/package_variants.h"

namespace weft {
namespace manifest_parser {

extern const std::string kP;  // "weft.json: "

[[noreturn]] void bad(const std::string& path, const std::string& msg);
// Rejects keys of `obj` not in `known`, listing the known ones.
void onlyKeys(const Json& obj, const std::string& path, const std::vector<std::string>& known);
std::string replaceLayer(std::string s, std::int64_t layer);
// A package file name at `path`, refused unless it is a relative path inside the package.
std::string fileName(const Json& v, const std::string& path);
// The text as a JSON object, refused past budgets.manifestBytes or budgets.jsonDepth.
Json parseTopJson(const std::string& text, const Budgets& budgets);
// The top level's optional `precision` and `backends` (package_variants.cpp).
PackageTarget packageTarget(const Json& top);

class Parser {
 public:
  // graphs: sessions' inputs/outputs for components that omit theirs; listOnly: only collect
  // which components omit them (componentsWithoutIo), leaving those lists empty.
  explicit Parser(Manifest& m, const GraphIO* graphs = nullptr, bool listOnly = false)
      : m_(m), graphs_(graphs), listOnly_(listOnly) {}

  void components(const Json& obj);
  void state(const Json& list);
  void constants(const Json& list);
  void generator(const Json& g);
  // {"file", "sha256"?, "bytes"?}; standalone: an object holding nothing else.
  static FileRef fileRef(const Json& obj, const std::string& p, bool standalone = true);

 private:
  struct StateFields;  // one state entry as written, before {layer} expansion

  std::string dimNames() const;
  std::int64_t count(const Json& entry, const std::string& path);
  std::int64_t templateCount(const Json& e, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& names);
  Dim dim(const Json& d, const std::string& path);
  void tensors(const Json& list, const std::string& path, std::vector<TensorDesc>& out);
  void componentIo(const Json& e, const std::string& p, Component& c);
  const Component& componentRef(const Json& e, const std::string& p);
  const Component& componentNamed(const Json& v, const std::string& p);
  static std::string oneOf(const Json& v, const std::string& p, std::initializer_list<const char*> allowed);
  void claim(const std::string& comp, const std::string& input, const std::string& path);

  std::vector<const Component*> stateComponents(const Json& e, const std::string& p);
  StateFields stateFields(const Json& e, const std::string& p);
  void addSlot(const StateFields& f, std::int64_t layer);
  void sameTensor(const TensorDesc& slot, const TensorDesc& other, const std::string& who, const std::string& p);

  void generatorComponents(const Json& g, const GeneratorType& t);
  void generatorIo(const Json& g, const GeneratorType& t);

  Manifest& m_;
  const GraphIO* graphs_;
  bool listOnly_;
  std::set<std::string> fed_;  // "component\ninput" pairs already fed by something
};

}  // namespace manifest_parser
}  // namespace weft
