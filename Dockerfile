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
# Migrates, then serves with gunicorn (WEB_CONCURRENCY workers). Needs SECRET_KEY and DATABASE_URL.
ENTRYPOINT ["sh", "deploy/entrypoint.sh"]
