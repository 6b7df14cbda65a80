"""Synthetic benchmark data at a scale tier (``tiers.TIERS``: tiny, county, province) for
``manage.py generate_scale``."""

from .generator import Result, ScaleError, generate
from .tiers import TIERS, Tier

__all__ = ["TIERS", "Result", "ScaleError", "Tier", "generate"]
