"""weft.json for existing graphs: the components' inputs and outputs as the graph has them
(graph_io.py), plus the generator keys the `package` flags give. Only the generator types whose
keys can be given on a command line are here (stream, classifier); each is a function of the
graph's tensors and the parsed flags."""
from __future__ import annotations

from pathlib import Path

from ..common import manifest as mf

COMPONENT = "model"  # the one component of a packaged graph


def _component(file: str, inputs: list[dict], outputs: list[dict]) -> dict:
    return {"file": file, "sha256": "", "bytes": 0, "inputs": inputs, "outputs": outputs}


def _named(tensors: list[dict], name: str, what: str, file: str) -> dict:
    for t in tensors:
        if t["name"] == name:
            return t
    raise ValueError(f"{file}: {what} {name!r}: the graph has no such tensor "
                     f"(it has: {', '.join(t['name'] for t in tensors) or 'none'})")


def _only(tensors: list[dict], what: str, flag: str, file: str) -> str:
    """The one tensor left for a role, or an error asking for the flag that names it."""
    if len(tensors) != 1:
        raise ValueError(f"{file}: cannot tell which tensor is the {what} among "
                         f"{', '.join(t['name'] for t in tensors) or 'none'}; name it with {flag}")
    return tensors[0]["name"]


def stream_manifest(name: str, file: str, inputs: list[dict], outputs: list[dict], *, states: list[tuple[str, str]],
                    constants: list[tuple[str, float]], samples: str | None, result: str | None,
                    chunk: int | None, context: int | None, sample_rate: int | None) -> dict:
    """A stream package: each state pair a zero-initialized slot of fixed shape, each constant
    the graph's input filled with one value, the samples input the one input left."""
    state = []
    for i, o in states:
        _named(inputs, i, "--state input", file)
        _named(outputs, o, "--state output", file)
        state.append({"component": COMPONENT, "input": i, "output": o, "init": "zeros", "mode": "fixed"})
    consts = []
    for input_name, value in constants:
        t = _named(inputs, input_name, "--constant", file)
        if any(isinstance(d, str) for d in t["shape"]):
            raise ValueError(f"{file}: --constant {input_name}: its shape {t['shape']} is not fixed")
        count = 1
        for d in t["shape"]:
            count *= d
        v = int(value) if t["dtype"] in ("int64", "int32", "int8", "uint8") else value
        consts.append({"component": COMPONENT, "input": input_name, "dtype": t["dtype"], "shape": t["shape"],
                       "values": [v] * count})
    fed = {i for i, _ in states} | {c for c, _ in constants}
    if samples is None:
        samples = _only([t for t in inputs if t["name"] not in fed], "samples input", "--samples", file)
    state_outputs = {o for _, o in states}
    if result is None:
        result = _only([t for t in outputs if t["name"] not in state_outputs], "result output", "--result", file)
    _named(inputs, samples, "--samples", file)
    _named(outputs, result, "--result", file)
    generator = {"type": "stream", "component": COMPONENT, "io": {"samples": samples, "result": result}}
    for key, value in (("chunk", chunk), ("context", context), ("sample_rate", sample_rate)):
        if value is not None:
            generator[key] = value
    return {"format": mf.FORMAT, "name": name, "components": {COMPONENT: _component(file, inputs, outputs)},
            "state": state, "constants": consts, "generator": generator}


def classifier_manifest(name: str, file: str, inputs: list[dict], outputs: list[dict], *, preprocess: dict,
                        pixel_values: str | None, logits: str | None, postprocess: str | None,
                        labels: list[str] | None, top_k: int | None) -> dict:
    """A classifier package: the preprocessing keys as given (the core checks them against the
    input's size), the labels one per class."""
    pixel_values = pixel_values or _only(inputs, "pixel_values input", "--pixel-values", file)
    logits = logits or _only(outputs, "logits output", "--logits", file)
    _named(inputs, pixel_values, "--pixel-values", file)
    scores = _named(outputs, logits, "--logits", file)
    classes = scores["shape"][-1] if scores["shape"] else None
    if labels is not None and isinstance(classes, int) and len(labels) != classes:
        raise ValueError(f"--labels: {len(labels)} labels but output {logits!r} {scores['shape']} has {classes} classes")
    generator = {"type": "classifier", "component": COMPONENT, "io": {"pixel_values": pixel_values, "logits": logits},
                 "preprocess": preprocess}
    for key, value in (("postprocess", postprocess), ("labels", labels), ("top_k", top_k)):
        if value is not None:
            generator[key] = value
    return {"format": mf.FORMAT, "name": name, "components": {COMPONENT: _component(file, inputs, outputs)},
            "generator": generator}


def read_labels(path: str | Path) -> list[str]:
    """One label a line; blank lines at the end are not classes."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ValueError(f"--labels {path}: no labels (one a line)")
    return lines
