"""`python -m weft_fixtures`: build every model package and test fixture under --out (the items
of items.py), each only when its sources changed.

Runs on every `npm start` / `npm test` (scripts/setup.sh), so the no-op path must be fast and
silent: nothing heavy is imported at the top (torch, onnx, numpy load only when an item is
actually rebuilt), and each item's stamp is a hash of its source files, its parameters and the
versions of the libraries that shape its bytes. An item is rebuilt into a temporary path and
moved into place only when complete; the stamp is written last, so an interrupted build is
simply redone next time.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

log = logging.getLogger("weft_fixtures")

ML_LIBS = ("torch", "onnx", "onnxruntime", "onnxscript", "numpy")


@dataclass
class Item:
    name: str
    outputs: list[str]                # paths relative to --out; a directory counts as one
    sources: list[Path]               # files whose bytes go into the stamp
    params: dict                      # anything else that changes the result
    build: Callable[[Path], None]     # writes every output under a temporary root
    libs: tuple[str, ...] = field(default=ML_LIBS)


def _versions(libs) -> dict:
    out = {}
    for lib in libs:
        try:
            out[lib] = metadata.version(lib)  # reads dist-info; does not import the library
        except metadata.PackageNotFoundError:
            out[lib] = None
    return out


def stamp_of(item: Item) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"item": item.name, "params": item.params,
                         "versions": _versions(item.libs)}, sort_keys=True).encode())
    for src in item.sources:
        if not src.is_file():
            raise FileNotFoundError(f"{item.name}: source {src} is missing"
                                    + (" (run npm ci)" if "node_modules" in str(src) else ""))
        h.update(str(src.name).encode())
        h.update(src.read_bytes())
    return h.hexdigest()[:32]


def _present(path: Path) -> bool:
    """An output counts only when it exists and, for a folder, is not empty."""
    return path.is_file() or (path.is_dir() and any(path.iterdir()))


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def run(out: Path, only: list[str] | None = None, force: bool = False) -> list[str]:
    """Rebuild stale items; returns the names rebuilt (empty when everything was current)."""
    stamps = out / ".stamps"
    stamps.mkdir(parents=True, exist_ok=True)
    from .items import items
    rebuilt = []
    for item in items():
        if only and item.name not in only:
            continue
        stamp = stamp_of(item)
        stamp_file = stamps / item.name
        current = stamp_file.is_file() and stamp_file.read_text().strip() == stamp
        if current and not force and all(_present(out / o) for o in item.outputs):
            continue
        t0 = time.perf_counter()
        stamp_file.unlink(missing_ok=True)
        tmp = out / ".tmp" / item.name
        _remove(tmp)
        tmp.mkdir(parents=True)
        try:
            item.build(tmp)
            for rel in item.outputs:  # move into place only once every output exists
                if not (tmp / rel).exists():
                    raise RuntimeError(f"{item.name}: builder did not produce {rel}")
            for rel in item.outputs:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                _remove(out / rel)
                (tmp / rel).replace(out / rel)
        finally:
            _remove(tmp)
        stamp_file.write_text(stamp + "\n")
        rebuilt.append(item.name)
        log.info("built %s in %.1f s", item.name, time.perf_counter() - t0)
    if (out / ".tmp").is_dir() and not any((out / ".tmp").iterdir()):
        (out / ".tmp").rmdir()
    return rebuilt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m weft_fixtures",
                                 description="Build model packages and test fixtures (stamped, "
                                             "idempotent; silent when nothing changed).")
    ap.add_argument("--out", type=Path, default=Path("build/models"))
    ap.add_argument("--only", nargs="*", help="item names to consider")
    ap.add_argument("--force", action="store_true", help="rebuild even when current")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="[weft fixtures] %(message)s")
    log.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        run(args.out, args.only, args.force)
    except Exception as e:  # one clear line (the traceback with -v); nothing half-written stays
        log.error("%s: %s", type(e).__name__, e, exc_info=args.verbose)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
