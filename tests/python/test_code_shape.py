"""The tree stays simple to live in: no function over 60 lines in the core (src/) or the shipped
toolkit (models/weft_models), no source file over 600 lines, and no code outside the registry of
generator types that compares a type's name (a family is data: one registry entry, one task class).
Function lengths are lizard's (signature to closing brace)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import lizard

REPO = Path(__file__).resolve().parents[2]
MAX_FUNCTION = 60
MAX_FILE = 600
SOURCE = re.compile(r"\.(cpp|h|js|mjs|ts|py|sh)$")
# Generated tables, not code anyone edits by hand.
GENERATED = {"src/tokenizer/unicode_tables.inc"}


def tracked(*roots: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *roots],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    return [f for f in out if (REPO / f).is_file()]


def long_functions(files: list[str]) -> list[str]:
    found = []
    for f in files:
        for fn in lizard.analyze_file(str(REPO / f)).function_list:
            if fn.length > MAX_FUNCTION:
                found.append(f"{f}:{fn.start_line} {fn.name} ({fn.length} lines)")
    return found


def test_no_core_function_over_60_lines():
    files = [f for f in tracked("src") if f.endswith((".cpp", ".h")) and f not in GENERATED]
    assert len(files) > 40
    assert long_functions(files) == []


def test_no_toolkit_function_over_60_lines():
    files = [f for f in tracked("models/weft_models") if f.endswith(".py")]
    assert len(files) > 20
    assert long_functions(files) == []


def test_no_source_file_over_600_lines():
    files = [f for f in tracked("src", "include", "web", "models", "tests", "tools", "bench", "scripts")
             if SOURCE.search(f) and f not in GENERATED and "/fuzz/seeds/" not in f and "/fuzz/regressions/" not in f]
    long = [f"{f} ({n} lines)" for f in files if (n := len((REPO / f).read_text(errors="replace").splitlines())) > MAX_FILE]
    assert long == []


def registered_types() -> list[str]:
    """The type names the registry entries declare (`static const GeneratorType t{ "name", …`)."""
    names = []
    for f in tracked("src"):
        if f.endswith(".cpp"):
            names += re.findall(r'static const GeneratorType \w+\{\s*"(\w+)"', (REPO / f).read_text())
    return names


def test_no_generator_type_name_comparison_outside_the_registry():
    names = registered_types()
    assert sorted(names) == ["classifier", "decoder", "musicgen", "pocket_tts", "stream"]
    alt = "|".join(names)
    compare = re.compile(rf"""(==|!=)=?\s*["']({alt})["']|["']({alt})["']\s*(==|!=)""")
    hits = []
    for f in tracked("src", "include", "web"):
        if not SOURCE.search(f):
            continue
        for i, line in enumerate((REPO / f).read_text(errors="replace").splitlines(), 1):
            if compare.search(line):
                hits.append(f"{f}:{i}: {line.strip()}")
    assert hits == []
