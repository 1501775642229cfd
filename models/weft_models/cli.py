"""`weft-models`: one command shape for every model family (decoder, classifier, musicgen,
pocket-tts).

  weft-models export   FAMILY …                  export a package, validated against PyTorch
  weft-models validate FAMILY PACKAGE …          grade a package against its PyTorch source
  weft-models quantize musicgen PACKAGE --out …  a quantized copy of a package, graded
  weft-models package  stream|classifier FILE.onnx --out DIR …   a package around an .onnx file
  weft-models sanitize FILE.onnx | PACKAGE --out DIR
  weft-models sample                             the NumPy reference sampler (stdin JSON)

Each family's `cli.py` registers its subcommands (add_export / add_validate / add_quantize) and
rewrites its deprecated spellings (`legacy`), which still run, with a note on stderr naming the
new one. Exit codes: 0 success; 1 a validation / export check failed; 2 bad usage or input.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from .common.cli import add_command

log = logging.getLogger("weft_models")

FAMILIES = ("decoder", "classifier", "musicgen", "pocket-tts")  # CLI names; modules use "_"
VERBS = {"export": "export a model to a package folder, validated against PyTorch",
         "validate": "grade a package against the PyTorch model it was exported from",
         "quantize": "write a quantized copy of a package, graded against PyTorch"}
FIXTURES = "weft_fixtures"  # the repository's test-fixture package (tests/fixtures_py)


def _setup_logging(verbosity: int) -> None:
    level = {-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(level)  # third-party loggers stay at WARNING; ours follow -v / -q


def family_clis() -> dict:
    """{family: its cli module}; light imports only, so `--help` stays fast."""
    return {f: importlib.import_module(f".{f.replace('-', '_')}.cli", __package__)
            for f in FAMILIES}


def deprecated(old: str, new: str) -> None:
    print(f"weft-models: `{old}` is deprecated and will be removed in the next release; "
          f"use `{new}`", file=sys.stderr)


def modernize(argv: list[str], clis: dict) -> list[str]:
    """A deprecated spelling rewritten to today's (with the note on stderr); others unchanged."""
    for cli in clis.values():
        found = cli.legacy(argv, FAMILIES) if hasattr(cli, "legacy") else None
        if found is not None:
            n, words = found
            deprecated(" ".join(["weft-models", *argv[:n]]), " ".join(["weft-models", *words]))
            return [*words, *argv[n:]]
    return argv


def _fixtures(module: str):
    """A module of the test-fixture package, which lives beside the tests, not in this one."""
    try:
        return importlib.import_module(f"{FIXTURES}.{module}")
    except ModuleNotFoundError as e:
        if e.name != FIXTURES:
            raise
        raise ValueError(f"this command needs {FIXTURES}, the repository's test-fixture package "
                         "(tests/fixtures_py; scripts/setup.sh installs it)") from None


def cmd_sanitize(args) -> int:
    if args.file.is_dir():  # a whole package: its family's sanitizer writes a new package
        from .common.manifest import read_manifest
        kind = read_manifest(args.file)["generator"]["type"]
        fn = getattr(family_clis().get(kind), "sanitize_package", None)
        if fn is None:
            raise ValueError(f"{args.file}: sanitizing a whole {kind!r} package is not supported; "
                             "sanitize its .onnx file")
        if args.out is None:
            raise ValueError(f"sanitize {args.file}: a package needs --out DIR (a new folder)")
        return fn(args.file, args.out)
    from .common.sanitize import sanitize_file
    from .common.validate import format_table
    r = sanitize_file(args.file, args.out)
    if not args.quiet:
        print(format_table(r.results))
    print(f"wrote {r.path}: {r.nodes_before} -> {r.nodes_after} nodes, all outputs PASS")
    return 0


def cmd_sample(args) -> int:
    _fixtures("sampling_reference").main()  # stdin {"rows", "cases"} -> stdout {"tokens"}
    return 0


def cmd_fixtures(args) -> int:
    deprecated("weft-models fixtures", f"python -m {FIXTURES}")
    logging.getLogger(FIXTURES).setLevel(log.level)
    _fixtures("driver").run(args.out, args.only, args.force)
    return 0


def _add_tools(sub, common) -> None:
    from .package.cli import add_package
    add_package(sub, common)
    sa = add_command(sub, "sanitize", common, cmd_sanitize, help="shape inference + folding + DCE",
                     description="An .onnx file: write <name>.sanitized.onnx and check it "
                                 "equals the original (PASS on every output and input set). "
                                 "A MusicGen package folder: write a sanitized package to "
                                 "--out, graded against transformers.")
    sa.add_argument("file", type=Path, metavar="FILE_OR_PACKAGE",
                    help="an .onnx file (a weft.json beside it gives shapes) or a package folder")
    sa.add_argument("--out", type=Path, default=None, help="output path (a package: required)")
    add_command(sub, "sample", common, cmd_sample, help="NumPy reference sampler (stdin JSON)",
                description='Reads {"rows": [[...]], "cases": [...]} on stdin and prints '
                            '{"tokens": [[...]]}: the same contract as weft-sample.')
    fx = add_command(sub, "fixtures", common, cmd_fixtures, help=f"deprecated: python -m {FIXTURES}",
                     description=f"Same as python -m {FIXTURES} (the test packages and "
                                 "fixtures of this repository).")
    fx.add_argument("--out", type=Path, default=Path("build/models"))
    fx.add_argument("--only", nargs="*")
    fx.add_argument("--force", action="store_true")


def build_parser(clis: dict | None = None) -> argparse.ArgumentParser:
    clis = clis or family_clis()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")
    common.add_argument("-q", "--quiet", action="count", default=0, help="only warnings")
    # -v/-q live on the leaf parsers only: argparse lets a subparser's defaults overwrite values
    # parsed by its parent, so a top-level -v would be silently reset.
    ap = argparse.ArgumentParser(prog="weft-models",
                                 description="Export PyTorch models to Weft model packages "
                                             "and prove them equivalent.")
    sub = ap.add_subparsers(dest="command", required=True)
    for verb, help_ in VERBS.items():
        families = sub.add_parser(verb, help=help_, description=help_[0].upper() + help_[1:] + ".")
        fam = families.add_subparsers(dest="family", required=True)
        for cli in clis.values():
            if hasattr(cli, f"add_{verb}"):
                getattr(cli, f"add_{verb}")(fam, common)
    _add_tools(sub, common)
    return ap


def main(argv: list[str] | None = None) -> int:
    clis = family_clis()
    argv = modernize(list(sys.argv[1:] if argv is None else argv), clis)
    args = build_parser(clis).parse_args(argv)
    _setup_logging(-1 if args.quiet else args.verbose)
    try:
        return args.fn(args)
    except (FileNotFoundError, ValueError) as e:
        log.error("%s", e)
        return 2
    except RuntimeError as e:  # ExportError, SanitizeError, PackageCheckError, fixture build failures
        log.error("%s", e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
