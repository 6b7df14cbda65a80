"""What the import benchmarks share: one committed import of a file, and its peak Python memory."""

import tracemalloc

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
