#!/bin/sh
# Release step and server, as run in the container and by `make serve`.
# A command given to it (say `python manage.py migrate`, as a release step) runs instead of the server.
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then
    exec "$@"
fi
PY="${PYTHON:-python}"
[ -x .venv/bin/python ] && PY=.venv/bin/python

# With many containers starting at once, set MIGRATE_ON_START=false and migrate once as a release step.
if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
    "$PY" manage.py migrate --noinput
fi
if [ "${LOAD_SEED_IF_EMPTY:-false}" = "true" ]; then
    "$PY" manage.py load_seed --if-empty
fi
# The image collects at build time and sets COLLECT_STATIC=false.
if [ "${COLLECT_STATIC:-true}" = "true" ]; then
    "$PY" manage.py collectstatic --noinput -v0
fi
exec "$PY" -m gunicorn nhsit.wsgi --config deploy/gunicorn.conf.py
