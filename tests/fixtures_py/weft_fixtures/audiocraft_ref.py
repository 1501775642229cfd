"""audiocraft's MusicGen generation code, the reference for Weft's MusicGen generator.

scripts/setup.sh installs models/requirements-audiocraft.txt with --no-deps into .venv/audiocraft,
which is NOT on sys.path: load() puts it there. audiocraft's package __init__ files import its
whole training stack (datasets, demucs/CLAP conditioners, diffusion decoders), so load() imports
only the modules generation runs: the LM and its builders, the condition providers, the codebook
patterns, the EnCodec wrappers and MusicGen itself, under their real package names.

A few libraries are imported at the top of those modules but never called when generating from
text or an audio prompt; they are not installed (size, or torchaudio's import breaking
transformers, see weft_models.musicgen.build.ready_transformers). While audiocraft imports, each
is a placeholder module whose every attribute raises; they are removed from sys.modules after,
except xformers. musicgen-small's config asks for memory-efficient attention, which audiocraft
runs with torch's scaled_dot_product_attention (its default 'torch' backend) but still checks and
reaches through xformers.ops on every layer: the placeholder stays registered and gives
- unbind = torch.unbind (splitting the fused q/k/v projection; the same views in the forward pass),
- LowerTriangularMask, a marker class: on the torch backend audiocraft only tests that a mask
  object is present (is_causal=True); it never reads it,
- memory_efficient_attention, which raises: only the 'xformers' backend calls it.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
from pathlib import Path

AUDIOCRAFT_DIR = Path(sys.prefix) / "audiocraft"  # .venv/audiocraft, sys.prefix = the venv
# Imported at the top of the generation path's modules, unused on it (who imports them: why not).
UNUSED = {
    "av": "data/audio.py: audio file decoding",
    "spacy": "modules/conditioners.py: text normalisation (normalize_text=False)",
    "librosa": "modules/chroma.py: melody conditioning",
    "librosa.filters": "modules/chroma.py: melody conditioning",
    "torchaudio": "data/audio_utils.py, modules/chroma.py: loudness, melody conditioning",
    "flashy": "utils/utils.py, utils/cache.py, quantization/core_vq.py: training loops",
    "flashy.distrib": "utils/utils.py, quantization/core_vq.py: distributed training",
    "xformers": "modules/transformer.py: memory-efficient attention (the torch backend is used)",
    "xformers.ops": "modules/transformer.py: memory-efficient attention (the torch backend is used)",
}
# Packages whose __init__ imports everything: registered bare, so only named submodules load.
BARE_PACKAGES = ("audiocraft", "audiocraft.data", "audiocraft.models")
MODULES = ("audiocraft.models.builders", "audiocraft.models.loaders", "audiocraft.models.lm",
           "audiocraft.models.musicgen", "audiocraft.models.encodec",
           "audiocraft.modules.conditioners", "audiocraft.utils.utils")

KEPT = ("xformers", "xformers.ops")  # looked up again at run time (see above)

_loaded: types.SimpleNamespace | None = None


class _Unused(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise RuntimeError(f"{self.__name__}.{attr}: {self.__name__} is not installed for the "
                           f"audiocraft reference ({UNUSED[self.__name__]}); MusicGen generation "
                           "was not expected to reach it")


def _xformers_attention(*args, **kwargs):
    raise RuntimeError("xformers.ops.memory_efficient_attention: xformers is not installed for the "
                       "audiocraft reference; use audiocraft's 'torch' attention backend")


def _placeholders() -> dict:
    import torch
    mods = {name: _Unused(name) for name in UNUSED}
    for name, mod in mods.items():
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(mods[parent], child, mod)
    mods["xformers.ops"].unbind = torch.unbind
    mods["xformers.ops"].LowerTriangularMask = type("LowerTriangularMask", (), {})
    mods["xformers.ops"].memory_efficient_attention = _xformers_attention
    for name in KEPT:
        mods[name].__spec__ = importlib.machinery.ModuleSpec(name, None)
    return mods


def _bare_package(name: str) -> types.ModuleType:
    path = AUDIOCRAFT_DIR.joinpath(*name.split("."))
    pkg = types.ModuleType(name)
    pkg.__path__ = [str(path)]
    pkg.__file__ = str(path / "__init__.py")
    pkg.__package__ = name
    return pkg


def load() -> types.SimpleNamespace:
    """audiocraft's generation modules: builders, loaders, lm, musicgen, encodec, conditioners,
    utils (audiocraft.utils.utils), omegaconf and audiocraft's version."""
    global _loaded
    if _loaded is not None:
        return _loaded
    if not (AUDIOCRAFT_DIR / "audiocraft" / "models" / "musicgen.py").is_file():
        raise ImportError(f"audiocraft is not installed in {AUDIOCRAFT_DIR} "
                          "(models/requirements-audiocraft.txt): run scripts/setup.sh")
    from weft_models.musicgen.build import ready_transformers
    ready_transformers()
    # transformers decides which optional libraries exist when first imported: before any
    # placeholder is visible.
    import transformers  # noqa: F401
    from transformers import EncodecModel, RobertaTokenizer, T5EncoderModel, T5Tokenizer  # noqa: F401
    if str(AUDIOCRAFT_DIR) not in sys.path:
        sys.path.append(str(AUDIOCRAFT_DIR))
    from importlib import metadata
    saved = {name: sys.modules[name] for name in UNUSED if name in sys.modules}
    sys.modules.update(_placeholders())
    try:
        for name in BARE_PACKAGES:
            sys.modules.setdefault(name, _bare_package(name))
        sys.modules["audiocraft"].__version__ = metadata.version("audiocraft")
        mods = {name.rsplit(".", 1)[1]: importlib.import_module(name) for name in MODULES}
    finally:
        for name in UNUSED:  # as before (a None entry, "known unusable", included)
            if name in saved:
                sys.modules[name] = saved[name]
            elif name not in KEPT:
                del sys.modules[name]
    import omegaconf
    _loaded = types.SimpleNamespace(**mods, omegaconf=omegaconf,
                                    version=sys.modules["audiocraft"].__version__)
    return _loaded
