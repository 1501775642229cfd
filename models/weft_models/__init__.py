"""Weft's Python toolkit: export PyTorch models to Weft model packages and prove them equivalent."""
__version__ = "0.1.0"
