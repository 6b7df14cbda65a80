"""Synthetic benchmark data at a scale tier (``tiers.TIERS``: tiny, county, province) for
``manage.py generate_scale``."""

from .generator import Result
from .generator import ScaleError
from .generator import generate
from .tiers import TIERS
from .tiers import Tier

__all__ = ["TIERS", "Result", "ScaleError", "Tier", "generate"]
