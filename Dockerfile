# syntax=docker/dockerfile:1
# partybuild for production: gunicorn with partybuild.settings.production, as a non-root user.
# Front-end packages are installed with npm in a build stage; only the collected static files reach
# the final image. Python packages come from the hash-pinned requirements.lock.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- front-end assets (bootstrap, echarts, htmx, the CJK font) -------------------------------------
FROM ${NODE_IMAGE} AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
# The offline app's service worker, from the files it precaches (docs/offline.md).
COPY workbox-config.cjs ./
COPY static ./static
COPY locale ./locale
RUN node workbox-config.cjs

# --- Python packages, translations, static files ---------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-input --require-hashes -r /tmp/requirements.lock
WORKDIR /app
COPY . .
COPY --from=assets /app/node_modules ./node_modules
COPY --from=assets /app/var/pwa ./var/pwa
# Build-time only: the settings need some SECRET_KEY to load; a random one is used and never stored.
RUN export SECRET_KEY="$(/opt/venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
 && export DJANGO_SETTINGS_MODULE=partybuild.settings.base \
 && export STATIC_COMPRESSED=1 \
 && /opt/venv/bin/python manage.py compilemessages --ignore=node_modules --ignore=var --verbosity=0 \
 && /opt/venv/bin/python manage.py collectstatic --noinput --verbosity=0 \
 && rm -rf node_modules var/dev-secret-key var/*.sqlite3* \
 && find . -name '__pycache__' -prune -exec rm -rf {} +

# --- runtime ---------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=partybuild.settings.production \
    WEB_CONCURRENCY=3
RUN groupadd --system --gid 10001 partybuild \
 && useradd --system --uid 10001 --gid partybuild --home-dir /app --no-create-home --shell /usr/sbin/nologin partybuild
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# The code is read-only for the app user; only var/media (uploads, generated reports) is writable.
RUN mkdir -p /app/var/media && chown partybuild:partybuild /app/var/media
WORKDIR /app
USER partybuild
EXPOSE 8000
# gunicorn.conf.py: bind, WEB_CONCURRENCY workers, an access log without query strings.
CMD ["gunicorn", "partybuild.wsgi", "--config", "gunicorn.conf.py"]
