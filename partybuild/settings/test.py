"""Test settings: the embedded default unless DATABASE_URL / CELERY_BROKER_URL point at real services."""

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The suite runs tasks in-process; the worker smoke test talks to the real broker on its own, and the load
# test turns this off for the web processes and worker it starts (tests/perf/test_load.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WHITENOISE_AUTOREFRESH = True
REQUIRE_SERVICES = env.bool("PARTYBUILD_REQUIRE_SERVICES", default=False)

if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    # A test database is thrown away: its commits (live-server and transactional tests) need not wait for
    # the disk. Its tables are small, so compiling a query to machine code (JIT, which the planner starts
    # for any query estimated dear) costs more than the query: the seeded demo county's checks went from
    # 91 to 79 s. The quota engine turns JIT off itself (assessments/quota/sql.py). Everything else about
    # PostgreSQL stays as in production.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off -c jit=off"  # noqa: F405
