"""Production settings refuse to start half-configured, and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "partybuild.settings.production",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "dangjian.example.cn",
}


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_sqlite():
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(60), "DATABASE_URL": "sqlite:////tmp/x.db"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", **PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode == 0, result.stderr
    security = [line for line in result.stderr.splitlines() if "(security." in line]
    assert security == [], result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr, result.stderr


def _production_settings(expression: str) -> list[str]:
    """``expression`` (over ``s``, the settings) printed by a process started with the production settings."""
    code = f"from django.conf import settings as s; import django; django.setup(); print({expression})"
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(60)}
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env={**clean, **env}, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_settings_harden_cookies_transport_and_headers():
    printed = _production_settings(
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_HTTPONLY, s.PRODUCTION, s.DEBUG"
    )
    assert printed == ["True"] * 7 + ["False"]


def test_embedded_default_is_sqlite_with_eager_tasks():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import django; django.setup(); "
            "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "partybuild.settings.base"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], result.stderr


def test_production_web_processes_share_one_cache_for_the_login_rate():
    printed = _production_settings("s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']")
    assert printed == ["django.core.cache.backends.redis.RedisCache", PRODUCTION_ENV["CELERY_BROKER_URL"]]
