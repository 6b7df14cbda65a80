"""The reader's refusal of a hostile workbook (docs/security.md, "Limits"): the 140 KB xlsx whose sheet holds
15.8 million empty rows (95 MB of XML once unpacked), timed, with the peak resident memory it adds.

    .venv/bin/pytest tests/perf/test_import_limits.py -m benchmark -s

A small file goes through the same measurement in the normal test command. Figures are printed; the
benchmark asserts only the budget every upload must meet (an answer within 5 s, at most 200 MB more).
"""

import contextlib
import time
from pathlib import Path

import pytest

from branches.tabular.reading import open_table
from branches.tabular.widgets import UploadRejected
from tests.utils.import_files import upload
from tests.utils.sparse_files import blank_rows_xlsx

HWM = Path("/proc/self/status")


def resident_peak_kib() -> int | None:
    if not HWM.exists():
        return None
    line = next(line for line in HWM.read_text().splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1])


def reset_resident_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure_refusal(content: bytes, name: str = "hostile.xlsx") -> dict:
    """Open and read ``content`` as an import would; the refusal's code, seconds and memory."""
    reset_resident_peak()
    before = resident_peak_kib()
    started = time.perf_counter()
    code = None
    try:
        with open_table(upload(content, name)) as table:
            for _row in table.data_rows():
                pass
    except UploadRejected as refused:
        code = refused.error_dict["file"][0].code
    seconds = time.perf_counter() - started
    after = resident_peak_kib()
    grown = (after - before) / 1024 if before is not None and after is not None else None
    return {"code": code, "seconds": seconds, "rss_growth_mib": grown}


def report(label: str, size: int, figures: dict) -> None:
    print(
        f"\n{label}: {size / 1024:.0f} KB file → {figures['code']} in {figures['seconds']:.3f} s, "
        f"resident peak growth {figures['rss_growth_mib']} MiB"
    )


@pytest.mark.django_db
def test_tiny_hostile_workbook_is_refused_within_budget():
    content = blank_rows_xlsx(100_000)
    figures = measure_refusal(content)
    assert figures["code"] == "too_many_rows"
    assert figures["seconds"] < 5


@pytest.mark.benchmark
@pytest.mark.django_db
def test_workbook_of_15_8_million_empty_rows_is_refused_within_budget():
    content = blank_rows_xlsx(15_800_000)
    figures = measure_refusal(content)
    report("15.8M empty rows", len(content), figures)
    assert figures["code"] == "too_many_rows"
    assert figures["seconds"] < 5
    assert figures["rss_growth_mib"] is None or figures["rss_growth_mib"] < 200
