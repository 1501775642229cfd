"""`python -m weft_fixtures [--out build/models] [--only ITEM ...] [--force] [-v]`."""
import sys

from .driver import main

sys.exit(main())
