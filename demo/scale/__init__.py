"""Synthetic benchmark data at the scale tiers of design §9 (``manage.py generate_scale``)."""

from .generator import Result, ScaleError, generate
from .tiers import TIERS, Tier

__all__ = ["TIERS", "Result", "ScaleError", "Tier", "generate"]
