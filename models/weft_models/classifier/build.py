"""Image classifiers: build a torchvision arch (seeded, conditioned random weights) or a user's
`module:function`, load a checkpoint, replace the head; the preprocessing each arch expects; and
the model a package's `source` record names.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# torchvision's own inference transforms for its ImageNet weights (resize, crop, interpolation).
ARCHS = {
    "resnet18": (256, 224, "bilinear"), "resnet50": (256, 224, "bilinear"),
    "efficientnet_b0": (256, 224, "bicubic"), "mobilenet_v2": (256, 224, "bilinear"),
    "mobilenet_v3_small": (256, 224, "bilinear"), "mobilenet_v3_large": (256, 224, "bilinear"),
    "convnext_tiny": (236, 224, "bilinear"), "vit_b_16": (256, 224, "bilinear"),
}
PARITY_ARCHS = ["resnet18", "efficientnet_b0", "mobilenet_v2", "mobilenet_v3_small",
                "convnext_tiny", "vit_b_16"]
CHECKPOINT_FORMS = ("a bare state_dict", "{'model_state_dict': state_dict}",
                    "{'state_dict': state_dict}")


class ClassifierError(RuntimeError):
    pass


@dataclass
class Preprocess:
    resize: int = 256
    crop: int = 224
    interpolation: str = "bilinear"
    mean: list = field(default_factory=lambda: list(IMAGENET_MEAN))
    std: list = field(default_factory=lambda: list(IMAGENET_STD))

    def manifest(self) -> dict:
        return {"resize": self.resize, "crop": self.crop, "mean": self.mean, "std": self.std,
                "interpolation": self.interpolation}

    def torchvision(self):
        """The reference: torchvision transforms on a PIL image."""
        from torchvision import transforms as T
        interp = {"bilinear": T.InterpolationMode.BILINEAR,
                  "bicubic": T.InterpolationMode.BICUBIC}[self.interpolation]
        return T.Compose([T.Resize(self.resize, interpolation=interp, antialias=True),
                          T.CenterCrop(self.crop), T.ToTensor(), T.Normalize(self.mean, self.std)])


def default_preprocess(arch: str, crop: int | None = None) -> Preprocess:
    resize, c, interp = ARCHS.get(arch, (256, 224, "bilinear"))
    if crop is not None and crop != c:  # keep torchvision's resize/crop ratio
        resize, c = round(resize * crop / c), crop
    return Preprocess(resize=resize, crop=c, interpolation=interp)


def _import_builder(spec: str):
    """`package.module:function` or `path/to/file.py:function`."""
    mod_name, _, fn_name = spec.rpartition(":")
    if not mod_name or not fn_name:
        raise ValueError(f"custom model {spec!r}: expected module:function")
    if mod_name.endswith(".py"):
        path = Path(mod_name)
        if not path.is_file():
            raise FileNotFoundError(f"custom model {spec!r}: {path} does not exist")
        s = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(s)
        sys.modules[path.stem] = module
        s.loader.exec_module(module)
    else:
        module = importlib.import_module(mod_name)
    fn = getattr(module, fn_name, None)
    if not callable(fn):
        raise ValueError(f"custom model {spec!r}: {mod_name} has no callable {fn_name!r}")
    return fn


def build_skeleton(arch: str, seed: int = 0):
    """A torchvision arch name (seeded random weights) or a `module:function` returning a Module."""
    import torch
    import torchvision
    torch.manual_seed(seed)
    if ":" in arch:
        model = _import_builder(arch)()
        if not isinstance(model, torch.nn.Module):
            raise ValueError(f"custom model {arch!r} returned {type(model).__name__}, not an nn.Module")
        return model
    if arch not in torchvision.models.list_models(module=torchvision.models):
        raise ValueError(f"unknown architecture {arch!r} (torchvision classification models, "
                         f"e.g. {', '.join(PARITY_ARCHS)}; or module:function)")
    return torchvision.models.get_model(arch, weights=None)


def _last_linear(model) -> str | None:
    """The name of the model's last nn.Linear (fc, classifier[-1], heads.head, ...)."""
    import torch
    last = None
    for name, mod in model.named_modules():
        if isinstance(mod, torch.nn.Linear):
            last = name
    return last


def replace_head(model, num_classes: int, seed: int = 0):
    """Replace the last nn.Linear (fc, classifier[-1], heads.head, ...) with num_classes outputs."""
    import torch
    last = _last_linear(model)
    if last is None:
        raise ValueError("--num-classes: the model has no nn.Linear head to replace")
    parent_name, _, attr = last.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    old = getattr(parent, attr)
    torch.manual_seed(seed + 1)
    setattr(parent, attr, torch.nn.Linear(old.in_features, num_classes, bias=old.bias is not None))
    log.info("replaced head %s: %d -> %d outputs", last, old.out_features, num_classes)
    return model


HEAD_STD = 0.03  # seeded N(0, HEAD_STD) head weights: O(1) logit spread on unit-scale features
LAYER_SCALE = 0.1  # residual branches that contribute, as in trained ConvNeXts
CALIBRATION_IMAGES = 8  # generated images (not the test images) for BatchNorm statistics


def _head_linears(model):
    """The classifier head's nn.Linear layers: every Linear in the container holding the last one
    (resnet `fc`; efficientnet/mobilenet/convnext `classifier`; vit `heads`), or that Linear alone
    when it hangs directly off the root."""
    import torch
    last = _last_linear(model)
    if last is None:
        return []
    parent_name = last.rpartition(".")[0]
    if not parent_name:
        return [(last, model.get_submodule(last))]
    parent = model.get_submodule(parent_name)
    return [(f"{parent_name}.{n}", m) for n, m in parent.named_modules() if isinstance(m, torch.nn.Linear)]


def condition_random_model(model, seed: int = 0, crop: int = 224):
    """Make a seeded random-weight torchvision model a meaningful parity subject (never applied
    when a checkpoint is loaded: its weights replace all of this).

    torchvision's init leaves ViT's head at zero, and with fresh BatchNorm statistics (mean 0,
    var 1) EfficientNet/MobileNet activations shrink layer by layer to ~1e-10..1e-15 logits, so
    max-abs parity and top-1 agreement on them prove nothing. Two deterministic fixes:
    1. BatchNorm running statistics are measured on generated images (seeded, distinct from the
       test images), only the BN layers in train mode (no dropout / stochastic depth), then
       rounded to fp16 precision so a different thread count cannot move them;
    2. every head Linear gets N(0, HEAD_STD) weights and zero bias from a seeded generator;
    3. ConvNeXt's layer scales (torchvision init 1e-6, which makes every block an identity to
       fp32 precision, so nothing inside a block could ever show in a comparison) are set to
       LAYER_SCALE.
    """
    import numpy as np
    import torch

    from .images import make_image
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if bns:
        mean = torch.tensor(IMAGENET_MEAN)[:, None, None]
        std = torch.tensor(IMAGENET_STD)[:, None, None]
        batch = torch.stack([(torch.from_numpy(np.asarray(make_image(500 + seed * 97 + i, (crop, crop)),
                                                          np.float32) / 255).permute(2, 0, 1) - mean) / std
                             for i in range(CALIBRATION_IMAGES)])
        saved = [(m, m.momentum) for m in bns]
        model.eval()
        for m in bns:
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batch
            m.train()
        with torch.no_grad():
            model(batch)
        for m, momentum in saved:
            m.momentum = momentum
            m.running_mean.copy_(m.running_mean.half().float())
            m.running_var.copy_(m.running_var.half().float())
        model.eval()
    g = torch.Generator().manual_seed(seed + 3)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(getattr(m, "layer_scale", None), torch.nn.Parameter):
                m.layer_scale.fill_(LAYER_SCALE)
        for name, lin in _head_linears(model):
            lin.weight.copy_(torch.randn(lin.weight.shape, generator=g) * HEAD_STD)
            if lin.bias is not None:
                lin.bias.zero_()
            log.debug("re-initialised head %s with N(0, %g)", name, HEAD_STD)
    return model


def load_checkpoint(model, path: str | Path) -> None:
    """Accepted forms: CHECKPOINT_FORMS, keys optionally prefixed 'module.' (DataParallel).
    Any mismatch fails naming the first missing, unexpected or wrongly shaped key."""
    import torch
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:
        raise ValueError(f"checkpoint {path}: not a readable torch checkpoint ({str(e).splitlines()[0]})")
    if isinstance(obj, dict) and "model_state_dict" in obj:
        obj = obj["model_state_dict"]
    elif isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ValueError(f"checkpoint {path}: not a state_dict; accepted forms: "
                         + ", ".join(CHECKPOINT_FORMS))
    if obj and all(k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    own = model.state_dict()
    missing = [k for k in own if k not in obj]
    unexpected = [k for k in obj if k not in own]
    if missing or unexpected:
        first = f"first missing key {missing[0]!r}" if missing else f"first unexpected key {unexpected[0]!r}"
        raise ValueError(f"checkpoint {path} does not match the model: {len(missing)} missing, "
                         f"{len(unexpected)} unexpected keys; {first}"
                         + (f"; first unexpected key {unexpected[0]!r}" if missing and unexpected else "")
                         + " (wrong architecture, or a head with another number of classes: see --num-classes)")
    for k, v in own.items():
        if tuple(obj[k].shape) != tuple(v.shape):
            raise ValueError(f"checkpoint {path}: key {k!r} has shape {tuple(obj[k].shape)} but the "
                             f"model expects {tuple(v.shape)} (see --num-classes)")
    model.load_state_dict(obj, strict=True)


def prepare(arch: str, *, seed: int = 0, checkpoint=None, num_classes: int | None = None):
    model = build_skeleton(arch, seed)
    if num_classes is not None:
        replace_head(model, num_classes, seed)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint)
    elif ":" not in arch:  # custom builders own their initialization (they may load weights)
        condition_random_model(model, seed)
    model.eval()
    bad = [n for n, m in model.named_modules() if m.training]
    if bad:  # a module overriding eval()/train() would silently keep dropout or batch statistics
        raise ClassifierError(f"model is not in eval mode after .eval(): {bad[0] or 'root'}")
    return model


def model_from_source(source: dict | None):
    """The PyTorch model a package was exported from, per its manifest's `source` record."""
    src = source or {}
    if src.get("kind") != "classifier":
        raise ValueError("weft.json has no classifier 'source' record (arch, seed, checkpoint)")
    return prepare(src["arch"], seed=src["seed"], checkpoint=src.get("checkpoint"),
                   num_classes=src.get("num_classes"))
