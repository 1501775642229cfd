// What a MusicGen generation is asked to do, parsed and checked before anything runs.
//
// The model side (MusicgenSpec, parsed once at load) comes from weft.json: dims (codebooks, vocab,
// hop, sampling_rate, frame_rate, max_positions, text_hidden) and the generator object
// (special_token, delay, min_prompt_samples, cache_merge_every); it also holds the request
// defaults. The request side (MusicgenOptions) is the options JSON (schema:
// musicgenOptionSpecs()) merged over the manifest's `generation` (audiocraft's defaults: sampling,
// top_k 250, top_p 0, temperature 1, guidance 3.0):
//   {"text_ids": [[ids], ...], "text_mask": [[0|1], ...] (optional; rows may be ragged without it,
//    padded on the right with text_pad_id, default 0), "batch": B (unconditional only),
//    "seconds": total duration including the prompt | "max_new_frames": frames after the prompt,
//    "guidance_scale": g (transformers: >= 1, 1 = no null branch; audiocraft: any, always guided), "do_sample", "temperature", "top_k",
//    "top_p" (0 = off; audiocraft's rule: when 0 < top_p < 1 it replaces top_k), "seed",
//    "return_codes": bool, "stream": false | true | {"window","context","lookahead","crossfade"},
//    "prompt_samples": frames per prompt, "prompt_channels": 1, "prompt_sample_rate": 32000,
//    "prompts": 1 | B (one prompt is shared by every description),
//    "prompt_codes": [[codes of codebook 0], ...] (prompts x codebooks rows; instead of audio),
//    "semantics": "transformers" | "audiocraft", "max_duration", "extend_stride" (seconds)}
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "weft/generator_type.h"
#include "weft/manifest.h"
#include "weft/musicgen/stream_decode.h"
#include "weft/sampling.h"

namespace weft {

// Whose results a request reproduces where audiocraft and transformers disagree
// (docs/MUSICGEN.md, "The browser generator").
enum class MusicgenSemantics { Transformers, Audiocraft };

struct MusicgenOptions {
  MusicgenSemantics semantics = MusicgenSemantics::Transformers;
  bool audiocraft() const { return semantics == MusicgenSemantics::Audiocraft; }
  std::vector<std::vector<std::int64_t>> textIds, textMask;  // [B][L], padded; empty: unconditional
  std::int64_t batch = 1;
  double seconds = 0.0;         // > 0 when given
  std::int64_t maxNewFrames = 0;  // > 0 when given
  std::int64_t defaultFrames = 0;  // from generation.max_new_tokens when neither is given
  double guidance = 3.0;
  SamplingParams sampling;  // as given: top_k raw, top_p unused (see topP)
  double topP = 0.0;        // audiocraft's: 0 = off
  // What the sampler runs: when 0 < topP < 1, top-p replaces top-k (audiocraft's rule).
  SamplingParams effectiveSampling() const;
  std::uint64_t seed = 0;
  bool returnCodes = true;
  bool stream = false;
  StreamWindows windows;
  std::int64_t promptSamples = 0, promptChannels = 1, promptRate = 0, prompts = 0;
  // Continuation from codes instead of audio: prompts x codebooks rows of promptCodeFrames each.
  std::vector<std::int64_t> promptCodes;
  std::int64_t promptCodeFrames = 0;
  // Past max_duration seconds, audiocraft's windows (windows.h); maxDuration 0: the model's limit.
  double maxDuration = 30.0;
  double extendStride = 0.0;  // 0: audiocraft's 18 s, or 0.6 x maxDuration when that is shorter
  double stride() const { return extendStride > 0.0 ? extendStride : std::min(18.0, 0.6 * maxDuration); }
};

struct MusicgenSpec : GeneratorSpecBase {
  std::int64_t codebooks = 4, vocab = 2048, special = 2048, hop = 640, sampleRate = 32000;
  std::int64_t frameRate = 50, maxPositions = 0, textHidden = 0, minPromptSamples = 1;
  std::vector<std::int64_t> delays;
  std::int64_t maxDelay = 0;  // the largest of delays
  bool canContinue = false;  // the package has an audio encoder
  // With a cache_merge component: decoder runs between two merges of the recent cache tier
  // into the long one (0: the cache is one tier).
  std::int64_t cacheMergeEvery = 0;
  MusicgenOptions defaults;  // built-in defaults overridden by the manifest's `generation`
  void describe(nlohmann::ordered_json& generator, nlohmann::ordered_json& generation) const override;
};

// Throws weft::Error("weft.json: generator.x: ...") / ("weft.json: dims.x: ...").
std::shared_ptr<const GeneratorSpecBase> parseMusicgenSpec(const Manifest& m);

// A request (errors name "options.x"); checks everything that does not need the prompt's codes.
MusicgenOptions parseMusicgenOptions(const nlohmann::ordered_json& options, const Manifest& m, const MusicgenSpec& spec);
// The options schema of a request (generator_type.h).
std::vector<OptionSpec> musicgenOptionSpecs();

// Total frames T for a request whose prompt has promptFrames frames; throws on a duration of 0,
// one beyond the positional limit (named in seconds) or a prompt not shorter than the duration.
std::int64_t musicgenFrames(const MusicgenOptions& o, const MusicgenSpec& spec, std::int64_t promptFrames);

}  // namespace weft
