"""Synthetic benchmark data at the scale tiers of docs/scale.md (``manage.py generate_scale``)."""

from .generator import Result, ScaleError, generate
from .tiers import TIERS, Tier

__all__ = ["TIERS", "Result", "ScaleError", "Tier", "generate"]
