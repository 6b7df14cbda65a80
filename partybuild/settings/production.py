"""Production: PostgreSQL, Redis and a real secret are required; refuse to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not env.str("CELERY_BROKER_URL", default=""):
    raise ImproperlyConfigured("CELERY_BROKER_URL must point at Redis in production.")

DEBUG = False
PRODUCTION = True
# The demo data and benchmark commands are not installed: no demo login can be seeded, no benchmark run.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "demo"]  # noqa: F405
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="INFO")  # noqa: F405

# One cache for every web process, so a rate counted per address (the login throttle, docs/security.md) is one
# count however many gunicorn workers answer; Redis is already there for the broker.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=env.str("CELERY_BROKER_URL")),
    }
}

# The inbox's daily digest goes out by SMTP (docs/inbox.md); the server and its account from the environment.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
