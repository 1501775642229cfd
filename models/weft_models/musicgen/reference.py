"""transformers' own outputs for every component (the source of truth check.py grades
against): MusicgenForConditionalGeneration.forward with its EncoderDecoderCache, T5, EnCodec."""
from __future__ import annotations

import numpy as np
import torch


def _t(x):
    return torch.from_numpy(np.ascontiguousarray(x))


@torch.no_grad()
def text_encoder(model, feeds):
    out = model.text_encoder(input_ids=_t(feeds["input_ids"]),
                             attention_mask=_t(feeds["attention_mask"])).last_hidden_state
    return {"last_hidden_state": out.numpy()}


@torch.no_grad()
def encodec_encode(model, feeds):
    codes = model.audio_encoder.encode(_t(feeds["input_values"])).audio_codes  # [1, B, nq, T]
    return {"audio_codes": codes[0].numpy()}


@torch.no_grad()
def encodec_decode(model, feeds):
    audio = model.audio_encoder.decode(_t(feeds["audio_codes"]), [None]).audio_values
    return {"audio_values": audio.numpy()}


@torch.no_grad()
def decoder_run(model, enc_states, enc_mask, ids):
    """One transformers forward over the whole id sequence [B*nq, S] (cache created inside):
    logits [B*nq, S, V], self K/V and cross K/V per layer from its EncoderDecoderCache."""
    out = model(encoder_outputs=(_t(enc_states),), attention_mask=_t(enc_mask),
                decoder_input_ids=_t(ids), use_cache=True)
    cache = out.past_key_values
    self_kv = [(lay.keys.numpy(), lay.values.numpy()) for lay in cache.self_attention_cache.layers]
    cross = [(lay.keys.numpy(), lay.values.numpy()) for lay in cache.cross_attention_cache.layers]
    return out.logits.numpy(), self_kv, cross


@torch.no_grad()
def generate(model, input_ids, attention_mask, *, max_new_tokens, guidance_scale=3.0,
             input_values=None):
    """transformers' greedy `generate`: per-step raw tokens [steps, B*nq] (recorded by a
    stopping criterion that never stops: it sees every step's ids), the reverted codes it
    decodes [B, nq, T] and the audio."""
    from transformers import StoppingCriteria, StoppingCriteriaList
    steps, codes = [], {}

    class Recorder(StoppingCriteria):
        def __call__(self, ids, scores, **kw):
            steps.append(ids[:, -1].numpy().copy())
            return torch.zeros(ids.shape[0], dtype=torch.bool)

    codec = model.audio_encoder
    orig = codec.decode

    def spy(audio_codes, *a, **k):
        codes["codes"] = audio_codes[0].numpy().copy()
        return orig(audio_codes, *a, **k)

    codec.decode = spy
    try:
        kw = dict(input_ids=_t(input_ids), attention_mask=_t(attention_mask), do_sample=False,
                  guidance_scale=guidance_scale, max_new_tokens=max_new_tokens,
                  stopping_criteria=StoppingCriteriaList([Recorder()]))
        if input_values is not None:
            kw["input_values"] = _t(input_values)
        audio = model.generate(**kw)
    finally:
        codec.decode = orig
    return np.stack(steps), codes["codes"], audio.numpy()
