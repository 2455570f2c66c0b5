# Concord's one image for every process: gunicorn (web) and Celery (worker, beat).
# Build: docker build -t concord .   Run the whole stack: see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# PDF export (WeasyPrint) lays text out with Pango and HarfBuzz and needs fonts: Debian's packages.
# postgresql-client: pg_dump and pg_restore for scripts/backup.sh and restore.sh (docs/operations.md); Debian's
# is of the postgres image's major version or newer, which is what they need.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-liberation \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them (every package is pinned).
COPY requirements.txt .
RUN pip install -r requirements.txt && python -c "import weasyprint"

# An unprivileged user; it owns only the attachments folder (a volume is mounted there).
RUN groupadd --system --gid 10001 concord \
    && useradd --system --uid 10001 --gid concord --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin concord \
    && mkdir -p /data/private \
    && chown concord:concord /data/private

COPY . .

# Hashed, compressed static files are built into the image (WhiteNoise serves them).
# The production settings refuse to load without a long SECRET_KEY; this throwaway value
# exists only for this build step, signs nothing and is not kept in the image's environment.
RUN DJANGO_SETTINGS_MODULE=portal.settings.production \
    SECRET_KEY=collectstatic-build-step-only-0000000000000000000000000000000000000000 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

ENV DJANGO_SETTINGS_MODULE=portal.settings.production \
    PRIVATE_MEDIA_ROOT=/data/private

USER concord:concord
EXPOSE 8000

# The web process (gunicorn.conf.py: metrics across its workers; the app writes one JSON line per request);
# docker-compose.yml runs migrations first and starts worker and beat from this image.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000"]
