// The manifest's `state` and `constants` lists.
#include <climits>

#include "manifest_parser.h"
#include "weft/error.h"

namespace weft {
namespace manifest_parser {

namespace ju = json_util;

// One state entry as written: the fields shared by every layer it expands to.
struct Parser::StateFields {
  std::string path;
  std::vector<const Component*> comps;
  std::string input, output, fromOutput;
  const Component* from = nullptr;  // init_from's component
  SlotInit init = SlotInit::Zeros;
  SlotMode mode = SlotMode::Fixed;
  int axis = -1;
  std::int64_t emptyLength = 0;
};

// The components a state entry feeds: `component` (one) or `components` (several).
std::vector<const Component*> Parser::stateComponents(const Json& e, const std::string& p) {
  const bool one = e.contains("component"), many = e.contains("components");
  if (one == many) bad(p, one ? "give either component or components, not both" : "missing required field component (or components)");
  if (one) return {&componentRef(e, p)};
  const std::string cp = ju::key(p, "components");
  const Json& list = e.at("components");
  ju::expectArray(list, kP, cp);
  if (list.empty()) bad(cp, "expected at least one component name");
  std::vector<const Component*> r;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Component* c = &componentNamed(list[k], ju::index(cp, k));
    for (const Component* o : r)
      if (o == c) bad(ju::index(cp, k), "component \"" + c->name + "\" is listed twice");
    r.push_back(c);
  }
  return r;
}

// A slot's tensor must look the same to every component that reads or writes it.
void Parser::sameTensor(const TensorDesc& slot, const TensorDesc& other, const std::string& who, const std::string& p) {
  if (slot.dtype != other.dtype)
    bad(p, "input '" + slot.name + "' is " + dtypeName(slot.dtype) + " but " + who + " is " + dtypeName(other.dtype));
  if (slot.shape.size() != other.shape.size())
    bad(p, "input '" + slot.name + "' has rank " + std::to_string(slot.shape.size()) + " but " + who + " has rank " +
               std::to_string(other.shape.size()));
}

Parser::StateFields Parser::stateFields(const Json& e, const std::string& p) {
  StateFields f;
  f.path = p;
  f.comps = stateComponents(e, p);
  f.input = ju::asString(ju::require(e, "input", kP, p), kP, ju::key(p, "input"));
  const auto initFrom = e.find("init_from");
  if (auto o = e.find("output"); o != e.end()) f.output = ju::asString(*o, kP, ju::key(p, "output"));
  else if (initFrom == e.end()) bad(ju::key(p, "output"), "missing required field (a state entry without init_from needs one)");
  if (initFrom != e.end()) {
    if (e.contains("init")) bad(ju::key(p, "init"), "give either init or init_from, not both");
    const std::string fp = ju::key(p, "init_from");
    ju::expectObject(*initFrom, kP, fp);
    onlyKeys(*initFrom, fp, {"component", "output"});
    f.from = &componentRef(*initFrom, fp);
    f.fromOutput = ju::asString(ju::require(*initFrom, "output", kP, fp), kP, ju::key(fp, "output"));
    for (const Component* c : f.comps)
      if (c == f.from) bad(ju::key(fp, "component"), "a slot cannot be initialised by a component it feeds ('" + c->name + "')");
    f.init = SlotInit::From;
  } else {
    f.init = oneOf(ju::require(e, "init", kP, p), ju::key(p, "init"), {"empty", "zeros"}) == std::string("empty") ? SlotInit::Empty : SlotInit::Zeros;
  }
  const std::string mode = oneOf(ju::require(e, "mode", kP, p), ju::key(p, "mode"), {"grow", "fixed", "in_place"});
  f.mode = mode == "grow" ? SlotMode::Grow : mode == "in_place" ? SlotMode::InPlace : SlotMode::Fixed;
  if (auto a = e.find("axis"); a != e.end()) {
    const std::int64_t axis = ju::asInt(*a, kP, ju::key(p, "axis"));
    if (axis < 0 || axis > 64) bad(ju::key(p, "axis"), "must be in [0, rank) but got " + std::to_string(axis));
    f.axis = static_cast<int>(axis);
  } else if (f.mode != SlotMode::Fixed || f.init == SlotInit::Empty) bad(ju::key(p, "axis"), "missing required field (needed by modes \"grow\", \"in_place\" and init \"empty\")");
  if (f.mode != SlotMode::Fixed && f.output.empty()) bad(ju::key(p, "output"), "mode \"" + mode + "\" needs an output that replaces the slot");
  if (f.mode == SlotMode::InPlace && f.init != SlotInit::Zeros) bad(ju::key(p, "init"), "mode \"in_place\" needs init \"zeros\" (the generator sizes the cache)");
  if (auto el = e.find("empty_length"); el != e.end()) {
    if (f.init != SlotInit::Empty) bad(ju::key(p, "empty_length"), "only for init \"empty\"");
    f.emptyLength = ju::asInt(*el, kP, ju::key(p, "empty_length"));
    if (f.emptyLength < 0) bad(ju::key(p, "empty_length"), "must be >= 0 but got " + std::to_string(f.emptyLength));
  }
  return f;
}

// One expanded slot (layer -1: an untemplated entry), checked against every component it touches.
void Parser::addSlot(const StateFields& f, std::int64_t layer) {
  auto x = [&](const std::string& s) { return layer < 0 || s.empty() ? s : replaceLayer(s, layer); };
  const std::string& p = f.path;
  StateSlot s;
  s.input = x(f.input);
  s.output = x(f.output);
  s.init = f.init;
  s.mode = f.mode;
  s.axis = f.axis;
  s.emptyLength = f.emptyLength;
  s.path = p;
  if (f.from) s.initComponent = f.from->name, s.initOutput = x(f.fromOutput);
  const TensorDesc* first = nullptr;
  bool written = false;  // the output may belong to some of the components only
  for (const Component* c : f.comps) {
    s.components.push_back(c->name);
    const TensorDesc* ti = c->findInput(s.input);
    if (!ti) bad(ju::key(p, "input"), "component '" + c->name + "' has no input '" + s.input + "'");
    if (!first) first = ti;
    else sameTensor(*first, *ti, "input '" + ti->name + "' of component '" + c->name + "'", p);
    if (const TensorDesc* to = s.output.empty() ? nullptr : c->findOutput(s.output)) {
      sameTensor(*first, *to, "output '" + s.output + "'", p);
      written = true;
    }
    claim(c->name, s.input, p);
  }
  if (!s.output.empty() && !written) {
    std::string names;
    for (const std::string& n : s.components) names += (names.empty() ? "" : ", ") + n;
    bad(ju::key(p, "output"), f.comps.size() == 1 ? "component '" + f.comps[0]->name + "' has no output '" + s.output + "'"
                                                  : "no component the slot feeds (" + names + ") has output '" + s.output + "'");
  }
  if (f.from) {
    const TensorDesc* to = f.from->findOutput(s.initOutput);
    if (!to) bad(ju::key(ju::key(p, "init_from"), "output"), "component '" + f.from->name + "' has no output '" + s.initOutput + "'");
    sameTensor(*first, *to, "output '" + s.initOutput + "' of component '" + f.from->name + "' (init_from)", p);
  }
  if (s.axis != -1 && (s.axis < 0 || s.axis >= static_cast<int>(first->shape.size())))
    bad(ju::key(p, "axis"), "must be in [0, " + std::to_string(first->shape.size()) + ") for input '" + s.input + "' but got " + std::to_string(s.axis));
  s.dtype = first->dtype;
  s.dims = first->shape;
  checkResolvable(s);
  m_.budgets.checkElements("weft.json: " + p + ": state input '" + s.input + "'", s.initialShape(1));
  m_.state.push_back(std::move(s));
}

void Parser::state(const Json& list) {
  ju::expectArray(list, kP, "state");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = ju::index("state", i);
    const Json& e = list[i];
    ju::expectObject(e, kP, p);
    onlyKeys(e, p, {"component", "components", "input", "output", "init", "init_from", "mode", "axis", "empty_length", "count"});
    const StateFields f = stateFields(e, p);
    std::vector<std::pair<std::string, std::string>> templated = {{"input", f.input}};
    if (!f.output.empty()) templated.emplace_back("output", f.output);
    if (f.from) templated.emplace_back("init_from.output", f.fromOutput);
    const std::int64_t n = templateCount(e, p, templated);
    if (n < 0) addSlot(f, -1);
    for (std::int64_t l = 0; l < n; ++l) addSlot(f, l);
  }
}

namespace {

void fillValue(ConstantEntry& c, const Json& v, std::size_t i, const std::string& pi) {
  auto intIn = [&](std::int64_t lo, std::int64_t hi) {
    const std::int64_t x = ju::asInt(v, kP, pi);
    if (x < lo || x > hi) bad(pi, std::to_string(x) + " does not fit in " + dtypeName(c.dtype));
    return x;
  };
  switch (c.dtype) {
    case DType::Float32: c.values.as<float>()[i] = static_cast<float>(ju::asNumber(v, kP, pi)); break;
    case DType::Float16: c.values.as<unsigned short>()[i] = floatToHalf(static_cast<float>(ju::asNumber(v, kP, pi))); break;
    case DType::Int64: c.values.as<std::int64_t>()[i] = ju::asInt(v, kP, pi); break;
    case DType::Int32: c.values.as<std::int32_t>()[i] = static_cast<std::int32_t>(intIn(INT32_MIN, INT32_MAX)); break;
    case DType::Int8: c.values.as<std::int8_t>()[i] = static_cast<std::int8_t>(intIn(-128, 127)); break;
    case DType::Uint8: c.values.as<std::uint8_t>()[i] = static_cast<std::uint8_t>(intIn(0, 255)); break;
    case DType::Bool: c.values.as<std::uint8_t>()[i] = v.is_boolean() ? v.get<bool>() : static_cast<std::uint8_t>(intIn(0, 1)); break;
  }
}

void fillValues(ConstantEntry& c, const Json& values, const std::string& p) {
  ju::expectArray(values, kP, p);
  const std::int64_t n = elementCount(c.shape);
  if (static_cast<std::int64_t>(values.size()) != n)
    bad(p, "expected " + std::to_string(n) + " values for shape " + shapeString(c.shape) + " but got " + std::to_string(values.size()));
  c.values = HostBuffer(c.dtype);
  c.values.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < values.size(); ++i) fillValue(c, values[i], i, ju::index(p, i));
}

}  // namespace

void Parser::constants(const Json& list) {
  ju::expectArray(list, kP, "constants");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = ju::index("constants", i);
    const Json& e = list[i];
    ju::expectObject(e, kP, p);
    onlyKeys(e, p, {"component", "input", "dtype", "shape", "values"});
    const Component& comp = componentRef(e, p);
    ConstantEntry c;
    c.component = comp.name;
    c.input = ju::asString(ju::require(e, "input", kP, p), kP, ju::key(p, "input"));
    const TensorDesc* t = comp.findInput(c.input);
    if (!t) bad(ju::key(p, "input"), "component '" + comp.name + "' has no input '" + c.input + "'");
    c.dtype = ju::asDType(ju::require(e, "dtype", kP, p), kP, ju::key(p, "dtype"));
    if (c.dtype != t->dtype) bad(ju::key(p, "dtype"), std::string(dtypeName(c.dtype)) + " but input '" + c.input + "' is " + dtypeName(t->dtype));
    const Json& shape = ju::require(e, "shape", kP, p);
    ju::expectArray(shape, kP, ju::key(p, "shape"));
    for (std::size_t j = 0; j < shape.size(); ++j) {
      const Dim d = dim(shape[j], ju::index(ju::key(p, "shape"), j));
      if (!d.fixed()) bad(ju::index(ju::key(p, "shape"), j), "a constant's dims must be fixed but '" + d.name + "' is symbolic");
      c.shape.push_back(d.value);
    }
    if (c.shape.size() != t->shape.size())
      bad(ju::key(p, "shape"), "rank " + std::to_string(c.shape.size()) + " but input '" + c.input + "' has rank " + std::to_string(t->shape.size()));
    m_.budgets.checkElements("weft.json: " + p + ": constant '" + c.input + "'", c.shape);
    fillValues(c, ju::require(e, "values", kP, p), ju::key(p, "values"));
    claim(comp.name, c.input, p);
    m_.constants.push_back(std::move(c));
  }
}

}  // namespace manifest_parser
}  // namespace weft
