"""What the families' `cli.py` modules share when they register their subcommands."""
from __future__ import annotations

from pathlib import Path


def add_command(sub, name: str, common, fn, *, help: str, description: str,
                package: bool = False):
    """A subcommand `name` running fn(args), with the shared -v/-q options (`common`) and, with
    `package`, a positional package folder."""
    p = sub.add_parser(name, parents=[common], help=help, description=description)
    if package:
        p.add_argument("package", type=Path, help="package folder containing weft.json")
    p.set_defaults(fn=fn)
    return p
