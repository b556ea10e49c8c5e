FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=false \
    COLLECT_STATIC=false \
    BIND=0.0.0.0:8000

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Collecting static files needs a key to import settings; the real one comes at run time.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0 \
    && useradd --system --uid 10001 --home /app tracker

USER tracker
EXPOSE 8000
# /healthz/ answers 200 only while the database does; it is never redirected to HTTPS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python deploy/healthcheck.py
# Migrates, then serves with gunicorn (deploy/gunicorn.conf.py: a worker per core, 4 threads each).
# Needs SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS. Given a command (e.g. a release step), runs that instead.
ENTRYPOINT ["sh", "deploy/entrypoint.sh"]
