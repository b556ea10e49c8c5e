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
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz/', timeout=4).status != 200)"
# Migrates, then serves with gunicorn (WEB_CONCURRENCY workers). Needs SECRET_KEY and DATABASE_URL.
ENTRYPOINT ["sh", "deploy/entrypoint.sh"]
