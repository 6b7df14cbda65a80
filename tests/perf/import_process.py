"""One import in a process of its own, so that its memory is what a web or worker process importing the file
would hold, Django's own start included, and nothing the benchmark did before (generating files) counts::

    python -m tests.perf.import_process RESOURCE USER_ID FILE

with DATABASE_URL naming a database the caller has committed to. Prints one JSON line: the rows committed,
the process's resident memory once Django is ready, and its peak (the kernel's high-water mark of this
process image, VmHWM, which counts the Rust workbook reader too; not ``ru_maxrss``, which Linux carries over
from the forked parent through exec)."""

import json
import os
import sys
from pathlib import Path


def main(resource_path: str, user_id: str, file_path: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings.test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils.module_loading import import_string

    from tests.perf.imports import resident_mib
    from tests.perf.imports import run_import

    resource_class = import_string(resource_path)
    actor = get_user_model().objects.get(pk=user_id)
    ready = resident_mib("VmHWM")
    path = Path(file_path)
    report = run_import(resource_class, actor, path.read_bytes(), path.name)
    return {"rows": report.as_dict()["created"], "ready_mib": ready, "peak_mib": resident_mib("VmHWM")}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
