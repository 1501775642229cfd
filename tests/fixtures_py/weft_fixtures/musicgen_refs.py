"""The stamped fixtures/musicgen_weft_refs.json item: what Weft's browser generator is checked
against, all produced by transformers on the seeded tiny model (the musicgen-tiny package's):

- `text`: greedy `generate` codes for one description (CFG 3.0, 68 new tokens -> 65 frames);
- `continuation`: the same from `input_values` = a 1.2 s prompt (fixtures/musicgen_prompt.f32,
  32 kHz mono float32) through transformers' own EnCodec encoder; the codes include the prompt;
- `batch`: two descriptions of different lengths, padded on the right, in one generate call;
- `pattern`: `build_delay_pattern_mask` on random prompt codes (the layout the core must build).
Token ids come from Hugging Face `tokenizers` on the package's tokenizer.json."""
from __future__ import annotations

import json
from pathlib import Path

REFS = "fixtures/musicgen_weft_refs.json"
PROMPT = "fixtures/musicgen_prompt.f32"
PARAMS = {"preset": "tiny", "seed": 0, "max_new_tokens": 68, "guidance_scale": 3.0,
          "text": "calm piano music with drums",
          "texts": ["calm piano music with drums", "upbeat electronic beat with bass and happy guitar"],
          "prompt_seconds": 1.2, "pattern": {"prompt_frames": 5, "max_length": 12, "seed": 3}}


def build(tmp: Path) -> None:
    import numpy as np
    import torch
    from tokenizers import Tokenizer

    from weft_models.musicgen import reference as R
    from weft_models.musicgen.build import build_random
    from weft_models.musicgen.check import prompt_audio
    from weft_models.musicgen.components import Dims
    from weft_models.musicgen.tokenizer import write_tokenizer

    torch.set_num_threads(1)
    model = build_random(PARAMS["preset"], PARAMS["seed"])
    out = tmp / REFS
    out.parent.mkdir(parents=True, exist_ok=True)
    tok_dir = tmp / "tok"
    tok_dir.mkdir()
    tok = Tokenizer.from_file(str(write_tokenizer(tok_dir, Dims.of(model).text_vocab)))
    n, g = PARAMS["max_new_tokens"], PARAMS["guidance_scale"]

    def run(ids, mask, audio=None):
        steps, codes, _ = R.generate(model, ids, mask, max_new_tokens=n, guidance_scale=g,
                                     input_values=audio)
        return steps, codes

    ids = np.array([tok.encode(PARAMS["text"]).ids], np.int64)
    steps, codes = run(ids, np.ones_like(ids))
    text = {"text": PARAMS["text"], "text_ids": ids.tolist(), "steps": int(steps.shape[0]),
            "codes": codes.tolist()}

    audio = prompt_audio(PARAMS["prompt_seconds"])
    (tmp / PROMPT).write_bytes(audio.astype("<f4").tobytes())
    steps, codes = run(ids, np.ones_like(ids), audio[None, None])
    with torch.no_grad():
        prompt_codes = model.audio_encoder.encode(torch.from_numpy(audio[None, None])).audio_codes
    cont = {"text": PARAMS["text"], "text_ids": ids.tolist(), "prompt": Path(PROMPT).name,
            "prompt_samples": int(audio.size), "prompt_codes": prompt_codes[0, 0].tolist(),
            "steps": int(steps.shape[0]), "codes": codes.tolist()}

    rows = [tok.encode(t).ids for t in PARAMS["texts"]]
    L = max(map(len, rows))
    ids2 = np.array([r + [0] * (L - len(r)) for r in rows], np.int64)
    mask2 = np.array([[1] * len(r) + [0] * (L - len(r)) for r in rows], np.int64)
    steps, codes = run(ids2, mask2)
    batch = {"texts": PARAMS["texts"], "text_ids": ids2.tolist(), "text_mask": mask2.tolist(),
             "steps": int(steps.shape[0]), "codes": codes.tolist()}

    p = PARAMS["pattern"]
    rng = np.random.default_rng(p["seed"])
    nq, special = model.decoder.num_codebooks, model.config.decoder.vocab_size
    prompt = rng.integers(0, special, (nq, p["prompt_frames"]))
    dec_ids = torch.from_numpy(np.concatenate([np.full((nq, 1), special), prompt], 1))
    _, mask = model.decoder.build_delay_pattern_mask(dec_ids, special, p["max_length"])
    pattern = {"prompt": prompt.tolist(), "max_length": p["max_length"], "special": special,
               "mask": mask.numpy().tolist()}

    out.write_text(json.dumps({
        "package": "musicgen-tiny", "max_new_tokens": n, "guidance_scale": g,
        "source": "transformers MusicgenForConditionalGeneration.generate (do_sample=False)",
        "text": text, "continuation": cont, "batch": batch, "pattern": pattern}) + "\n")
