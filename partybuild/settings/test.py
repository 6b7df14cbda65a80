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
    # the disk. Everything else stays as in production (JIT off: partybuild/settings/base.py).
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
else:
    # The test database lives in memory with a shared cache, where a transaction begun IMMEDIATE while the
    # live server's other thread holds one fails at once ("database table is locked") instead of waiting:
    # SQLite's own implicit begin, as before.
    DATABASES["default"]["OPTIONS"].pop("transaction_mode")  # noqa: F405
