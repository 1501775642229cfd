"""The test packages, fixtures and parity drivers of the Weft repository (not shipped with the
toolkit). `python -m weft_fixtures --out build/models` builds every stamped item (items.py);
`python -m weft_fixtures.classifier_parity` and `python -m weft_fixtures.musicgen_parity` prepare
and run the Python side of `npm run parity`. Nothing heavy is imported here: the no-op build
path must stay fast."""
