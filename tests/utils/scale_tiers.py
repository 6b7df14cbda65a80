"""Benchmarks run on the tiny scale tier and on one three times its size (tests/perf/): a figure that must not
grow with the tree is compared across the two."""

import dataclasses

from demo.scale import generate
from demo.scale.tiers import TIERS

# Three times the tiny tier's townships, branches and members, under one county as in the tiny tier.
TINY_X3 = dataclasses.replace(TIERS["tiny"], name="tiny-x3", townships=6, branches=45, members=1500)


def tiny_and_three_times(benchmark) -> tuple[dict, dict]:
    """The figures ``benchmark()`` returns on a freshly generated tiny tier, then on ``TINY_X3``."""
    generate(tier="tiny", seed=3, replace=True)
    first = benchmark()
    generate(tier=TINY_X3, seed=4, replace=True)
    return first, benchmark()
