// SentencePiece .model (a ModelProto) → Pipeline, parsed directly from the protobuf wire format.
// Fields read (sentencepiece_model.proto): ModelProto.pieces=1 {piece=1, score=2, type=3},
// trainer_spec=2 {model_type=3, byte_fallback=35, unk_id=40, unk_surface=44},
// normalizer_spec=3 {name=1, precompiled_charsmap=2, add_dummy_prefix=3,
// remove_extra_whitespaces=4, escape_whitespaces=5}. Everything else is skipped.
#include <cstring>

#include "pipeline.h"

namespace weft::tok {
namespace {

class Reader {
 public:
  Reader(std::string_view d, std::string what) : d_(d), what_(std::move(what)) {}
  bool done() const { return i_ >= d_.size(); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i_ >= d_.size()) bad("truncated varint");
      const auto b = static_cast<unsigned char>(d_[i_++]);
      v |= std::uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    bad("varint longer than 10 bytes");
  }
  // Reads a tag; returns field number, wire type in *wt.
  std::uint32_t tag(int* wt) {
    const std::uint64_t t = varint();
    *wt = static_cast<int>(t & 7);
    if ((t >> 3) == 0 || (t >> 3) > 0x1FFFFFFF) bad("invalid field number");
    return static_cast<std::uint32_t>(t >> 3);
  }
  std::string_view bytes() {
    const std::uint64_t n = varint();
    if (n > d_.size() - i_) bad("length " + std::to_string(n) + " runs past the end (" + std::to_string(d_.size() - i_) + " bytes left)");
    const auto v = d_.substr(i_, static_cast<std::size_t>(n));
    i_ += static_cast<std::size_t>(n);
    return v;
  }
  float f32() {
    if (d_.size() - i_ < 4) bad("truncated float");
    float f;
    std::memcpy(&f, d_.data() + i_, 4);
    i_ += 4;
    return f;
  }
  void skip(int wt) {
    switch (wt) {
      case 0: varint(); return;
      case 1: if (d_.size() - i_ < 8) bad("truncated fixed64"); i_ += 8; return;
      case 2: bytes(); return;
      case 5: if (d_.size() - i_ < 4) bad("truncated fixed32"); i_ += 4; return;
      default: bad("unsupported wire type " + std::to_string(wt));
    }
  }
  void expect(int wt, int want, const char* field) {
    if (wt != want) bad(std::string("field ") + field + " has wire type " + std::to_string(wt) + ", expected " + std::to_string(want));
  }
  [[noreturn]] void bad(const std::string& m) const {
    fail("sentencepiece model: " + what_ + ": " + m + " at byte " + std::to_string(i_));
  }

 private:
  std::string_view d_;
  std::string what_;
  std::size_t i_ = 0;
};

// The fields of a ModelProto that loadSentencePiece uses, with sentencepiece's defaults.
struct SpModel {
  UnigramSpec u;
  int modelType = 1;
  SpNormalizerSpec ns;
  std::string unkSurface = " \xE2\x81\x87 ";
};

// One ModelProto.pieces entry (a SentencePiece message), appended to the vocabulary.
void readPiece(Reader& r, int wt, UnigramSpec& u) {
  r.expect(wt, 2, "pieces");
  Reader m(r.bytes(), "pieces[" + std::to_string(u.vocab.size()) + "]");
  std::string piece;
  float score = 0;
  int type = 1;
  bool hasPiece = false;
  while (!m.done()) {
    int w;
    const std::uint32_t g = m.tag(&w);
    if (g == 1) { m.expect(w, 2, "piece"); piece = std::string(m.bytes()); hasPiece = true; }
    else if (g == 2) { m.expect(w, 5, "score"); score = m.f32(); }
    else if (g == 3) { m.expect(w, 0, "type"); type = static_cast<int>(m.varint()); }
    else m.skip(w);
  }
  if (!hasPiece) m.bad("missing field 'piece'");
  if (type < 1 || type > 6) m.bad("unknown piece type " + std::to_string(type));
  u.vocab.emplace_back(std::move(piece), score);
  u.pieceTypes.push_back(static_cast<std::uint8_t>(type));
}

void readTrainerSpec(Reader& r, int wt, SpModel& sp) {
  r.expect(wt, 2, "trainer_spec");
  Reader m(r.bytes(), "trainer_spec");
  while (!m.done()) {
    int w;
    const std::uint32_t g = m.tag(&w);
    if (g == 3) { m.expect(w, 0, "model_type"); sp.modelType = static_cast<int>(m.varint()); }
    else if (g == 35) { m.expect(w, 0, "byte_fallback"); sp.u.byteFallback = m.varint() != 0; }
    else if (g == 40) { m.expect(w, 0, "unk_id"); sp.u.unk = static_cast<std::int32_t>(m.varint()); }
    else if (g == 44) { m.expect(w, 2, "unk_surface"); sp.unkSurface = std::string(m.bytes()); }
    else m.skip(w);
  }
}

void readNormalizerSpec(Reader& r, int wt, SpNormalizerSpec& ns) {
  r.expect(wt, 2, "normalizer_spec");
  Reader m(r.bytes(), "normalizer_spec");
  while (!m.done()) {
    int w;
    const std::uint32_t g = m.tag(&w);
    if (g == 2) { m.expect(w, 2, "precompiled_charsmap"); ns.charsmap = std::string(m.bytes()); }
    else if (g == 3) { m.expect(w, 0, "add_dummy_prefix"); ns.addDummyPrefix = m.varint() != 0; }
    else if (g == 4) { m.expect(w, 0, "remove_extra_whitespaces"); ns.removeExtraWhitespaces = m.varint() != 0; }
    else if (g == 5) { m.expect(w, 0, "escape_whitespaces"); ns.escapeWhitespaces = m.varint() != 0; }
    else m.skip(w);
  }
}

// Refuses what parsed but cannot be run: no pieces, a model neither Unigram (1) nor BPE (2), a
// Unigram unk_id out of range (BPE takes the piece of type UNKNOWN, as sentencepiece does).
void checkModel(const SpModel& sp) {
  const UnigramSpec& u = sp.u;
  if (u.vocab.empty()) fail("sentencepiece model: no pieces (truncated or not a .model file?)");
  if (sp.modelType != 1 && sp.modelType != 2)
    fail("sentencepiece model: model_type " + std::to_string(sp.modelType) +
         " is not supported from a .model (Unigram and BPE only; load the tokenizer.json of other models)");
  if (sp.modelType == 1 && (u.unk < 0 || static_cast<std::size_t>(u.unk) >= u.vocab.size()))
    fail("sentencepiece model: unk_id " + std::to_string(u.unk) + " is outside the " + std::to_string(u.vocab.size()) + " pieces");
}

std::unique_ptr<Pipeline> buildPipeline(SpModel sp) {
  UnigramSpec& u = sp.u;
  auto p = std::make_unique<Pipeline>();
  // User-defined pieces are matched verbatim by the normalizer, as sentencepiece does.
  for (std::size_t i = 0; i < u.vocab.size(); ++i)
    if (u.pieceTypes[i] == 4) sp.ns.userDefined.push_back(u.vocab[i].first);
  p->sentencepiece = true;
  p->spDummyPrefix = sp.ns.addDummyPrefix;
  p->spRemoveExtraWhitespaces = sp.ns.removeExtraWhitespaces;
  p->spTypes = u.pieceTypes;
  p->spUnkSurface = sp.unkSurface;
  for (std::size_t i = 0; i < u.vocab.size(); ++i)
    if (u.vocab[i].first == "<pad>" && p->padId < 0) p->padId = static_cast<std::int32_t>(i);
  p->normalizers.push_back(makeSpNormalizer(std::move(sp.ns)));
  p->model = sp.modelType == 2 ? makeSentencePieceBpe(std::move(u)) : makeUnigram(std::move(u));
  return p;
}

}  // namespace

std::unique_ptr<Pipeline> loadSentencePiece(std::string_view data) {
  if (data.empty()) fail("sentencepiece model: empty input");
  SpModel sp;
  sp.u.sentencepiece = true;
  sp.u.unk = 0;
  Reader r(data, "ModelProto");
  while (!r.done()) {
    int wt;
    const std::uint32_t f = r.tag(&wt);
    if (f == 1) readPiece(r, wt, sp.u);
    else if (f == 2) readTrainerSpec(r, wt, sp);
    else if (f == 3) readNormalizerSpec(r, wt, sp.ns);
    else r.skip(wt);
  }
  checkModel(sp);
  return buildPipeline(std::move(sp));
}

}  // namespace weft::tok
