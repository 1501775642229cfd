"""Audio fixtures: WAV files in every supported encoding and reference outputs from independent tools.

Writes build/models/fixtures/audio/ with cases.json describing:
  wav       files made by sox, soundfile (libsndfile), Python's wave module or byte-level edits of
            those, each with its reference decoding by soundfile (float32, interleaved .f32)
  bad       files Weft must refuse, with the words its error has to contain
  resample  input signals and torchaudio.functional.resample outputs (float32, and float64 kept as
            .f64), for rate pairs, options and lengths
  mixdown   a stereo decoding and torch's wav.mean(dim=-2) of it
  pipeline  a 44.1 kHz stereo file decoded, mixed down and resampled to 32 kHz by soundfile + torch +
            torchaudio (what a MusicGen prompt goes through)

torchaudio: the PyPI wheel (2.11.0) is built for CUDA 13.0 and its import refuses a torch built for
another CUDA version, although resample is plain PyTorch code that runs on the CPU here. It is
installed off sys.path (.venv/reference, by scripts/setup.sh) and imported with torch's CUDA version
hidden for the duration of the import only (see `torchaudio_functional`); the resample code that
runs is torchaudio's own, unmodified.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

SEED = 1234
DIR = "fixtures/audio"
# torchaudio lives here, off sys.path (models/requirements-reference.txt says why).
REFERENCE = Path(sys.prefix) / "reference"

# sox encodings: name -> (sox options, WAV header kind sox writes)
SOX_ENCODINGS = {
    "pcm8": ["-b", "8", "-e", "unsigned-integer"],
    "pcm16": ["-b", "16", "-e", "signed-integer"],
    "pcm24": ["-b", "24", "-e", "signed-integer"],   # sox writes WAVE_FORMAT_EXTENSIBLE
    "pcm32": ["-b", "32", "-e", "signed-integer"],   # sox writes WAVE_FORMAT_EXTENSIBLE
    "float32": ["-b", "32", "-e", "floating-point"],
    "float64": ["-b", "64", "-e", "floating-point"],
}
# (encoding, channels, rate) made by sox
SOX_FILES = [("pcm16", 1, 44100), ("pcm16", 2, 44100), ("pcm24", 2, 48000), ("pcm24", 1, 22050),
             ("pcm32", 2, 32000), ("pcm32", 1, 8000), ("float32", 2, 44100), ("float32", 1, 16000),
             ("float64", 1, 11025), ("pcm8", 1, 8000), ("pcm8", 2, 11025), ("pcm16", 2, 7919)]
# (soundfile subtype, format, channels, rate): libsndfile as a second, independent writer
SF_FILES = [("PCM_16", "WAVEX", 2, 48000), ("FLOAT", "WAVEX", 1, 44100), ("PCM_24", "WAV", 2, 96000),
            ("PCM_32", "WAV", 1, 12345)]
SF_NAMES = {"PCM_16": "pcm16", "PCM_24": "pcm24", "PCM_32": "pcm32", "FLOAT": "float32"}

# Rate pairs checked against torchaudio (default options), then options and lengths.
RESAMPLE_PAIRS = [(44100, 32000), (48000, 32000), (16000, 32000), (22050, 32000), (32000, 32000),
                  (8000, 32000), (11025, 32000), (12345, 32000), (96000, 32000), (24000, 32000),
                  (32000, 44100), (32000, 48000), (44100, 48000), (7, 3), (3, 7)]
RESAMPLE_OPTIONS = [  # (from, to, lowpass_filter_width, rolloff, method, beta)
    (44100, 32000, 6, 0.99, "sinc_interp_kaiser", None),
    (48000, 16000, 16, 0.85, "sinc_interp_hann", None),
    (22050, 32000, 10, 0.9475937167399596, "sinc_interp_kaiser", 14.769656459379492),
    (8000, 32000, 3, 1.0, "sinc_interp_kaiser", 5.0),
]
RESAMPLE_LENGTHS = [1, 5, 440, 441, 442, 3000]  # 44100 -> 32000 (torchaudio cannot take 0)
SIGNAL_SECONDS = 0.5


def params() -> dict:
    return {"seed": SEED, "sox": SOX_FILES, "sf": SF_FILES, "pairs": RESAMPLE_PAIRS,
            "options": RESAMPLE_OPTIONS, "lengths": RESAMPLE_LENGTHS, "seconds": SIGNAL_SECONDS, "v": 2}


def torchaudio_functional():
    """torchaudio.functional from .venv/reference, imported past the wheel's CUDA-version check."""
    if "torchaudio" not in sys.modules:
        if not (REFERENCE / "torchaudio").is_dir():
            raise RuntimeError(f"torchaudio is missing from {REFERENCE} (run scripts/setup.sh)")
        import torch
        saved = torch.version.cuda
        sys.path.insert(0, str(REFERENCE))
        torch.version.cuda = None
        try:
            import torchaudio  # noqa: F401
        finally:
            torch.version.cuda = saved
            sys.path.remove(str(REFERENCE))
    import torchaudio.functional as F
    return F


def make_signal(rate: int, seconds: float, channels: int, rng) -> np.ndarray:
    """[frames, channels] float64 in (-1, 1): sines across the band (some near Nyquist) plus noise."""
    import numpy as np
    n = int(round(rate * seconds))
    t = np.arange(n) / rate
    out = np.empty((n, channels))
    for c in range(channels):
        freqs = [110.0 * (c + 1), 440.0, 0.23 * rate, 0.45 * rate, 0.49 * rate]
        x = sum(0.15 * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)) for f in freqs)
        out[:, c] = x + 0.12 * rng.uniform(-1, 1, n)
    return np.clip(out, -0.99, 0.99)


def _sox(args: list[str]) -> None:
    # -D: no dither, so every rebuild writes the same bytes.
    subprocess.run(["sox", "-D", *args], check=True, capture_output=True)


def _f32(path: Path, a: np.ndarray) -> None:
    import numpy as np
    path.write_bytes(np.ascontiguousarray(a, dtype="<f4").tobytes())


def _reference(path: Path, out: Path) -> dict:
    """soundfile's decoding (float32, interleaved) and what it says about the file."""
    import soundfile as sf
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    _f32(out, data.reshape(-1))
    return {"rate": rate, "channels": data.shape[1], "frames": data.shape[0], "ref": out.name}


def _chunks(b: bytes) -> list[tuple[bytes, bytes]]:
    """(id, body) of each chunk after the RIFF/WAVE header."""
    out, at = [], 12
    while at + 8 <= len(b):
        cid, size = b[at:at + 4], struct.unpack("<I", b[at + 4:at + 8])[0]
        out.append((cid, b[at + 8:at + 8 + size]))
        at += 8 + size + (size & 1)
    return out


def _riff(chunks: list[tuple[bytes, bytes]], riff_size: int | None = None) -> bytes:
    body = b"".join(cid + struct.pack("<I", len(d)) + d + (b"\0" if len(d) & 1 else b"") for cid, d in chunks)
    return b"RIFF" + struct.pack("<I", 4 + len(body) if riff_size is None else riff_size) + b"WAVE" + body


def _fmt(tag, channels, rate, bits, block=None, extra=b""):
    block = channels * bits // 8 if block is None else block
    return b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits) + extra


def build_wavs(d: Path, rng) -> tuple[list, list]:
    import soundfile as sf
    wavs = []
    for enc, ch, rate in SOX_FILES:
        name = f"sox_{enc}_{ch}ch_{rate}.wav"
        raw = d / "src.f32"
        _f32(raw, make_signal(rate, 0.25, ch, rng).reshape(-1))
        _sox(["-t", "f32", "-r", str(rate), "-c", str(ch), str(raw), *SOX_ENCODINGS[enc], str(d / name)])
        wavs.append({"file": name, "encoding": enc, "made_by": "sox", **_reference(d / name, d / (name + ".f32"))})
    for subtype, fmt, ch, rate in SF_FILES:
        name = f"sf_{fmt.lower()}_{subtype.lower()}_{ch}ch_{rate}.wav"
        sf.write(str(d / name), make_signal(rate, 0.25, ch, rng), rate, subtype=subtype, format=fmt)
        wavs.append({"file": name, "encoding": SF_NAMES[subtype], "made_by": "soundfile",
                     **_reference(d / name, d / (name + ".f32"))})
    # Python's wave module: a third writer (plain 16-bit PCM).
    pcm = (rng.uniform(-1, 1, (2000, 2)) * 32767).astype("<i2")
    with wave.open(str(d / "pywave_pcm16_2ch_22050.wav"), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(22050), w.writeframes(pcm.tobytes())
    wavs.append({"file": "pywave_pcm16_2ch_22050.wav", "encoding": "pcm16", "made_by": "wave",
                 **_reference(d / "pywave_pcm16_2ch_22050.wav", d / "pywave_pcm16_2ch_22050.wav.f32")})

    # Layout variations, made by editing a sox file's chunks; soundfile decodes each of them too.
    base = (d / "sox_pcm16_2ch_44100.wav").read_bytes()
    chunks = dict(_chunks(base))
    fmt, data = chunks[b"fmt "], chunks[b"data"]
    odd = (d / "sox_pcm8_1ch_8000.wav").read_bytes()
    ochunks = dict(_chunks(odd))
    variants = {
        # unknown chunks of odd size (pad bytes) before and between fmt and data
        "chunks_odd_unknown.wav": _riff([(b"LIST", b"INFOISFT\x05\x00\x00\x00weft\x00"), (b"JUNK", b"abc"),
                                         (b"fmt ", fmt), (b"bext", b"x" * 7), (b"data", data)]),
        # an odd-sized 8-bit data chunk followed by a pad byte and another chunk
        "data_odd_then_chunk.wav": _riff([(b"fmt ", ochunks[b"fmt "]), (b"data", ochunks[b"data"][:-1]),
                                          (b"LIST", b"INFOICMT\x02\x00\x00\x00x\x00")]),
        # a trailing partial frame (3 of 4 bytes) after the last whole one
        "partial_frame.wav": _riff([(b"fmt ", fmt), (b"data", data[:-1])]),
        # a RIFF size larger than the file (a copy cut after the data chunk)
        "riff_size_overstated.wav": _riff([(b"fmt ", fmt), (b"data", data)], riff_size=len(data) + 10000),
    }
    for name, b in variants.items():
        (d / name).write_bytes(b)
        wavs.append({"file": name, "encoding": "pcm8" if "data_odd" in name else "pcm16", "made_by": "edit",
                     **_reference(d / name, d / (name + ".f32"))})
    # A streaming writer's 0xFFFFFFFF data size (soundfile refuses it, so its reference is the
    # decoding of the same samples with a proper size).
    stream = base[:base.index(b"data") + 4] + b"\xff\xff\xff\xff" + base[base.index(b"data") + 8:]
    (d / "data_size_unknown.wav").write_bytes(stream)
    wavs.append({"file": "data_size_unknown.wav", "encoding": "pcm16", "made_by": "edit",
                 **_reference(d / "sox_pcm16_2ch_44100.wav", d / "data_size_unknown.wav.f32")})
    # A RIFF size smaller than the chunks it holds (Weft reads by the chunks' own sizes).
    (d / "riff_size_understated.wav").write_bytes(_riff([(b"fmt ", fmt), (b"data", data)], riff_size=36))
    wavs.append({"file": "riff_size_understated.wav", "encoding": "pcm16", "made_by": "edit",
                 **_reference(d / "sox_pcm16_2ch_44100.wav", d / "riff_size_understated.wav.f32")})

    bad = build_bad(d, fmt, data)
    return wavs, bad


def build_bad(d: Path, fmt16: bytes, data16: bytes) -> list:
    """Files Weft must refuse, with the words the error must contain."""
    import numpy as np
    bad = []
    src = d / "src.f32"
    _f32(src, np.zeros(4000, np.float32))
    for enc, opts, want in [("ms-adpcm", ["-e", "ms-adpcm"], "format 0x0002 (Microsoft ADPCM) is not supported"),
                            ("ima-adpcm", ["-e", "ima-adpcm"], "format 0x0011 (IMA ADPCM) is not supported"),
                            ("a-law", ["-e", "a-law"], "format 0x0006 (A-law) is not supported"),
                            ("u-law", ["-e", "u-law"], "format 0x0007 (mu-law) is not supported"),
                            ("gsm", ["-e", "gsm-full-rate", "-c", "1"], "format 0x0031 (GSM 6.10) is not supported")]:
        name = f"bad_{enc}.wav"
        _sox(["-t", "f32", "-r", "8000", "-c", "2" if enc != "gsm" else "1", str(src), *opts, str(d / name)])
        bad.append({"file": name, "error": want})
    ext_tail = bytes([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
    nan = struct.pack("<4f", 0.5, float("nan"), 0.25, 0.0)
    handmade = {
        "bad_empty.wav": (b"", "too short for a RIFF/WAVE header"),
        "bad_not_riff.wav": (b"OggS" + bytes(60), "not a RIFF/WAVE file (starts with 'OggS'"),
        "bad_rifx.wav": (b"RIFX" + _riff([(b"fmt ", fmt16), (b"data", data16)])[4:], "big-endian RIFX"),
        "bad_no_fmt.wav": (_riff([(b"data", data16)]), "no fmt chunk before the data chunk"),
        "bad_no_data.wav": (_riff([_fmt(1, 1, 8000, 16)]), "no data chunk"),
        "bad_zero_channels.wav": (_riff([_fmt(1, 0, 8000, 16, block=0), (b"data", b"\0\0")]), "0 channels"),
        "bad_zero_rate.wav": (_riff([_fmt(1, 1, 0, 16), (b"data", b"\0\0")]), "sample rate of 0 Hz"),
        "bad_pcm12.wav": (_riff([_fmt(1, 1, 8000, 12, block=2), (b"data", b"\0\0")]),
                          "PCM with 12 bits per sample is not supported"),
        "bad_float16.wav": (_riff([_fmt(3, 1, 8000, 16), (b"data", b"\0\0")]),
                            "IEEE float with 16 bits per sample is not supported"),
        "bad_block_align.wav": (_riff([_fmt(1, 2, 8000, 16, block=2), (b"data", b"\0\0")]),
                                "block align 2 does not match 2 channels x 16 bits"),
        "bad_ext_subformat.wav": (_riff([_fmt(0xFFFE, 1, 8000, 16, extra=struct.pack("<HHI", 22, 16, 4)
                                              + struct.pack("<H", 2) + ext_tail), (b"data", b"\0\0")]),
                                  "subformat 0x0002 (Microsoft ADPCM) is not supported"),
        "bad_truncated_data.wav": (_riff([(b"fmt ", fmt16), (b"data", data16)])[:-100],
                                   f"says {len(data16)} bytes but only {len(data16) - 100} follow (truncated file?)"),
        "bad_truncated_chunk.wav": (_riff([(b"fmt ", fmt16), (b"LIST", bytes(50))])[:60], "chunk 'LIST' at byte 36"),
        "bad_float_nan.wav": (_riff([_fmt(3, 2, 8000, 32), (b"data", nan)]), "sample 1 (frame 0, channel 1) is NaN"),
    }
    for name, (b, want) in handmade.items():
        (d / name).write_bytes(b)
        bad.append({"file": name, "error": want})
    src.unlink()
    return bad


def build_resample(d: Path, rng) -> list:
    import numpy as np
    import torch
    F = torchaudio_functional()
    cases = []
    signals = {}

    def signal(rate: int, n: int | None = None) -> str:
        key = (rate, n)
        if key not in signals:
            x = make_signal(rate, SIGNAL_SECONDS, 1, rng)[:, 0] if n is None else rng.uniform(-1, 1, n)
            signals[key] = f"signal_{rate}" + ("" if n is None else f"_n{n}") + ".f32"
            _f32(d / signals[key], x)
        return signals[key]

    def run(src: str, orig: int, new: int, **kw) -> dict:
        x = np.fromfile(d / src, dtype="<f4")
        name = f"rs_{orig}_{new}" + "".join(f"_{k}{v}" for k, v in kw.items()) + f"_n{x.size}"
        y32 = F.resample(torch.from_numpy(x.copy()), orig, new, **kw).numpy()
        y64 = F.resample(torch.from_numpy(x.astype(np.float64)), orig, new, **kw).numpy()
        _f32(d / f"{name}.f32", y32)
        (d / f"{name}.f64").write_bytes(y64.astype("<f8").tobytes())
        opts = {"lowpass_filter_width": 6, "rolloff": 0.99, "resampling_method": "sinc_interp_hann", "beta": None}
        opts.update(kw)
        return {"from": orig, "to": new, "input": src, "length": int(x.size), "output": f"{name}.f32",
                "output64": f"{name}.f64", "output_length": int(y32.size), **opts}

    for orig, new in RESAMPLE_PAIRS:
        cases.append(run(signal(orig), orig, new))
    for orig, new, width, rolloff, method, beta in RESAMPLE_OPTIONS:
        kw = {"lowpass_filter_width": width, "rolloff": rolloff, "resampling_method": method}
        if beta is not None:
            kw["beta"] = beta
        cases.append(run(signal(orig), orig, new, **kw))
    for n in RESAMPLE_LENGTHS:
        cases.append(run(signal(44100, n), 44100, 32000))
    return cases


def build_mix_and_pipeline(d: Path) -> tuple[dict, dict]:
    import soundfile as sf
    import torch
    F = torchaudio_functional()
    src = "sox_pcm16_2ch_44100.wav"
    data, rate = sf.read(str(d / src), dtype="float32", always_2d=True)
    wav = torch.from_numpy(data.T.copy())                 # [channels, frames], as torchaudio loads it
    mono = wav.mean(dim=-2, keepdim=True)                 # audiocraft's convert_audio_channels
    _f32(d / "mixdown_ref.f32", mono[0].numpy())
    prompt = F.resample(mono, rate, 32000)[0].numpy()
    _f32(d / "pipeline_32k_mono.f32", prompt)
    return ({"file": src, "output": "mixdown_ref.f32"},
            {"file": src, "to": 32000, "output": "pipeline_32k_mono.f32", "output_length": int(prompt.size)})


def build(tmp: Path) -> None:
    import numpy as np
    import soundfile as sf
    import torch
    d = tmp / DIR
    d.mkdir(parents=True)
    rng = np.random.default_rng(SEED)
    wavs, bad = build_wavs(d, rng)
    resample = build_resample(d, rng)
    mixdown, pipeline = build_mix_and_pipeline(d)
    cases = {"wav": wavs, "bad": bad, "resample": resample, "mixdown": mixdown, "pipeline": pipeline,
             "versions": {"torch": torch.__version__, "torchaudio": sys.modules["torchaudio"].__version__,
                          "soundfile": sf.__version__, "libsndfile": sf.__libsndfile_version__}}
    (d / "cases.json").write_text(json.dumps(cases, indent=1))


if __name__ == "__main__":  # python -m weft_fixtures.audio OUT
    import sys
    with tempfile.TemporaryDirectory() as t:
        build(Path(t))
        out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/aud-audio")
        import shutil
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(Path(t) / DIR, out)
