"""What the import benchmarks share: one committed import of a file, its peak Python memory, and the
process's resident memory while it runs."""

import gc
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from branches.tabular.importing import import_table
from tests.utils.import_files import upload


def run_import(resource_class, actor, content: bytes, name: str):
    """Import ``content`` (a file called ``name``) for real; every row must be committed."""
    report = import_table(
        actor=actor, resource=resource_class(actor=actor), upload=upload(content, name), dry_run=False
    )
    assert report.committed, report.as_dict()["errors"][:3]
    return report


def peak_mib(resource_class, actor, content: bytes, name: str) -> float:
    """The peak of Python's allocations, in MiB, during a second ``run_import`` under tracemalloc (which slows
    Python down, so it is not the run that is timed)."""
    tracemalloc.start()
    try:
        run_import(resource_class, actor, content, name)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


@contextmanager
def resident_peak():
    """The process's resident memory, in MiB, just before the block and at its highest inside it: Linux lets
    a process reset its high-water mark (``5`` into ``/proc/self/clear_refs``), so the peak is the block's,
    not that of the file generation before it. Everything the process does counts, the Rust workbook reader
    included, which tracemalloc does not see. Yields a dict filled on exit; empty where /proc does not allow
    it (not Linux, or no permission)."""
    found = {}
    gc.collect()
    try:
        PROC_CLEAR_REFS.write_text("5")
    except OSError:
        yield found
        return
    before = resident_mib("VmRSS")
    yield found
    found.update(before=before, peak=resident_mib("VmHWM"))


def resident_mib(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (the high-water mark) of this process, in MiB (Linux only)."""
    for line in PROC_STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)
