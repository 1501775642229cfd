// Pocket TTS chunking: split_into_best_sentences and the per-chunk preparation of
// generate_audio_stream (see include/weft/pocket_tts/text.h).
#include <algorithm>
#include <unordered_set>

#include "pystr.h"
#include "weft/error.h"
#include "weft/pocket_tts/text.h"

namespace weft::pocket_tts {

using Ids = std::vector<std::int32_t>;
using pystr::U32;

namespace {

// A span of ids and its decoded text.
struct Segment {
  std::size_t tokens;
  std::string text;
};

// Decodes windows of ids. decode(ids[a:b]) differs from the matching part of a longer decode only
// near a and b (a leading "▁" dropped, a byte run cut in two: at most three U+FFFD, a first-token
// rule of a decoder), so a window holding kSettled characters besides the ones looked at gives
// the characters the whole prefix / suffix would.
class Windows {
 public:
  Windows(const Tokenizer& t, const Ids& ids) : t_(t), ids_(ids) {}

  std::string text(std::size_t a, std::size_t b) const { return t_.decode(ids_.data() + a, b - a, true); }
  U32 decode(std::size_t a, std::size_t b) const { return pystr::fromUtf8(text(a, b)); }

  // The last n characters of decode(ids[0:end]).
  U32 tail(std::size_t end, std::size_t n) const {
    for (std::size_t width = kStart;; width *= 2) {
      const std::size_t a = end > width ? end - width : 0;
      const U32 d = decode(a, end);
      if (a == 0 || d.size() >= n + kSettled) return d.substr(d.size() > n ? d.size() - n : 0);
    }
  }

  // The first n characters of decode(ids[start:]).
  U32 head(std::size_t start, std::size_t n) const {
    for (std::size_t width = kStart;; width *= 2) {
      const std::size_t b = std::min(ids_.size(), start + width);
      const U32 d = decode(start, b);
      if (b == ids_.size() || d.size() >= n + kSettled) return d.substr(0, n);
    }
  }

 private:
  static constexpr std::size_t kStart = 8, kSettled = 4;
  const Tokenizer& t_;
  const Ids& ids_;
};

// _is_decimal_period_boundary: the text before ids[at] ends with a digit and ".", and the text
// from ids[at] starts with a digit.
bool decimalPeriodAt(const Windows& w, std::size_t at) {
  const U32 after = w.head(at, 1);  // first: it rules out most sentence ends
  if (after.empty() || !pystr::isDigit(after[0])) return false;
  const U32 before = w.tail(at, 2);
  return before.size() == 2 && before[1] == U'.' && pystr::isDigit(before[0]);
}

// _find_boundary_indices: a segment ends after a run of boundary tokens. Returns the cut points,
// 0 first and ids.size() last.
std::vector<std::size_t> boundaries(const Ids& ids, const std::unordered_set<std::int32_t>& marks,
                                    const Windows* decimals) {
  std::vector<std::size_t> cuts{0};
  bool afterMark = false;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (marks.count(ids[i])) {
      afterMark = true;
      continue;
    }
    if (afterMark && !(decimals && decimalPeriodAt(*decimals, i))) cuts.push_back(i);
    afterMark = false;
  }
  cuts.push_back(ids.size());
  return cuts;
}

std::vector<Segment> segments(const Windows& w, const std::vector<std::size_t>& cuts) {
  std::vector<Segment> out;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    out.push_back({cuts[i + 1] - cuts[i], w.text(cuts[i], cuts[i + 1])});
  }
  return out;
}

// `_, *tokens = tokenizer(text)`: the ids of text without the first one.
std::unordered_set<std::int32_t> markTokens(const Tokenizer& t, const char* text) {
  const Ids ids = t.encode(text, true);
  if (ids.empty()) throw Error(std::string("pocket_tts: the tokenizer gives no ids for \"") + text + "\"");
  return {ids.begin() + 1, ids.end()};
}

// A sentence over maxTokens is split after , ; : when that gives more than one part.
void refine(const Tokenizer& t, const Segment& s, std::size_t maxTokens,
            const std::unordered_set<std::int32_t>& marks, std::vector<Segment>& out) {
  if (s.tokens <= maxTokens) {
    out.push_back(s);
    return;
  }
  const Ids ids = t.encode(pystr::strip(s.text), true);
  const Windows w(t, ids);
  std::vector<Segment> parts = segments(w, boundaries(ids, marks, nullptr));
  if (parts.size() > 1) out.insert(out.end(), parts.begin(), parts.end());
  else out.push_back(s);
}

// Packs sentences into chunks of at most maxTokens tokens, joined by one space.
std::vector<std::string> pack(const std::vector<Segment>& sentences, std::size_t maxTokens) {
  std::vector<std::string> chunks;
  std::string current;
  std::size_t count = 0;
  for (const Segment& s : sentences) {
    if (current.empty()) {
      current = s.text;
      count = s.tokens;
    } else if (count + s.tokens > maxTokens) {
      chunks.push_back(pystr::strip(current));
      current = s.text;
      count = s.tokens;
    } else {
      current += ' ';
      current += s.text;
      count += s.tokens;
    }
  }
  if (!current.empty()) chunks.push_back(pystr::strip(current));
  return chunks;
}

// split_into_best_sentences.
std::vector<std::string> bestSentences(const Tokenizer& t, std::string_view text, std::size_t maxTokens,
                                       const TextRules& rules) {
  const std::string prepared = pystr::strip(prepareTextPrompt(text, rules).text);
  const Ids ids = t.encode(prepared, true);
  const Windows w(t, ids);
  const std::vector<Segment> sentences = segments(w, boundaries(ids, markTokens(t, ".!...?"), &w));
  const auto fallback = markTokens(t, ",;:");
  std::vector<Segment> refined;
  for (const Segment& s : sentences) refine(t, s, maxTokens, fallback, refined);
  return pack(refined, maxTokens);
}

}  // namespace

std::vector<TextChunk> splitIntoChunks(const Tokenizer& tokenizer, std::string_view text, int maxTokens,
                                       const TextRules& rules) {
  if (maxTokens < 1) throw Error("pocket_tts: max tokens per chunk must be at least 1 but got " + std::to_string(maxTokens));
  std::vector<TextChunk> out;
  for (const std::string& chunk : bestSentences(tokenizer, text, static_cast<std::size_t>(maxTokens), rules)) {
    PreparedText p = prepareTextPrompt(chunk, rules);
    Ids ids = tokenizer.encode(p.text, true);
    out.push_back({std::move(p.text), p.framesAfterEosGuess + 2, std::move(ids)});
  }
  return out;
}

}  // namespace weft::pocket_tts
