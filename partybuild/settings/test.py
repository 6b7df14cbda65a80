"""Test settings: the embedded default unless DATABASE_URL / CELERY_BROKER_URL point at real services."""

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The suite runs tasks in-process; the worker smoke test talks to the real broker on its own.
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True
REQUIRE_SERVICES = env.bool("PARTYBUILD_REQUIRE_SERVICES", default=False)
