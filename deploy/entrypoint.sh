#!/bin/sh
# Release step and server, as run in the container and by `make serve`.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
[ -x .venv/bin/python ] && PY=.venv/bin/python

"$PY" manage.py migrate --noinput
if [ "${LOAD_SEED_IF_EMPTY:-false}" = "true" ]; then
    "$PY" manage.py load_seed --if-empty
fi
# The image collects at build time and sets COLLECT_STATIC=false.
if [ "${COLLECT_STATIC:-true}" = "true" ]; then
    "$PY" manage.py collectstatic --noinput -v0
fi
exec "$PY" -m gunicorn nhsit.wsgi \
    --bind "${BIND:-127.0.0.1:8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --access-logfile - \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
