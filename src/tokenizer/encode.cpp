// One text through the pipeline, as Hugging Face's extract_and_normalize: tokens matched in the
// raw text are cut out first; each remaining piece is normalized, tokens marked `normalized` are
// cut out of that, and what is left is pre-tokenized and encoded by the model.
#include "pipeline.h"

namespace weft::tok {

void Pipeline::buildAddedMatchers() {
  rawAdded = AddedMatcher();
  normAdded = AddedMatcher();
  for (auto& a : added) {
    a.surface = a.content;
    if (!a.normalized) {
      rawAdded.add(a.content, a.id, a.rules);
      continue;
    }
    for (const auto& n : normalizers) n->apply(a.surface);
    normAdded.add(a.surface, a.id, a.rules);
  }
}

namespace {

struct Encoder {
  const Pipeline& p;
  Ids& out;
  std::vector<AddedSplit> inner;
  std::vector<std::string> words;
  std::string seg;

  void model(std::string_view s, bool first) {
    setFirstSegment(first);  // Metaspace "first": the piece starts the text
    words.clear();
    if (p.pre) p.pre->split(std::string(s), words);
    else words.emplace_back(s);
    for (const auto& w : words)
      if (!w.empty()) p.model->encodeWord(w, out);
  }
  void piece(std::string_view raw, bool atStart) {
    seg.assign(raw);
    for (const auto& n : p.normalizers) n->apply(seg);
    if (seg.empty()) return;
    if (p.normAdded.empty()) return model(seg, atStart);
    inner.clear();
    p.normAdded.split(seg, inner);
    for (const auto& sp : inner) {
      if (sp.id >= 0) out.push_back(sp.id);
      else model(std::string_view(seg).substr(sp.start, sp.stop - sp.start), atStart && sp.start == 0);
    }
  }
};

}  // namespace

void encodeText(const Pipeline& p, std::string_view text, Ids& out) {
  Encoder e{p, out, {}, {}, {}};
  if (p.rawAdded.empty()) return e.piece(text, true);
  std::vector<AddedSplit> outer;
  p.rawAdded.split(text, outer);
  for (const auto& sp : outer) {
    if (sp.id >= 0) out.push_back(sp.id);
    else e.piece(text.substr(sp.start, sp.stop - sp.start), sp.start == 0);
  }
}

}  // namespace weft::tok
