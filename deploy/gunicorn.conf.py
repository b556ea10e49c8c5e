"""gunicorn's settings for deploy/entrypoint.sh, each read from the environment.

(GUNICORN_CMD_ARGS, gunicorn's own variable, overrides any of them.)
"""

import math
import os
from pathlib import Path

from nhsit.lib.environment import env_int


def available_cores(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The cores this process may use: its CPU affinity, capped by a container's CPU quota (cgroup v2)."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text().split()
    except (OSError, ValueError):
        return cores
    return cores if quota == "max" else max(1, min(cores, math.ceil(int(quota) / int(period))))


bind = os.environ.get("BIND", "127.0.0.1:8000")
# Threads, not one request per process: a slow client downloading a large CSV holds one thread, and the
# worker's heartbeat goes on meanwhile. A sync worker would be killed at `timeout` and cut the file short.
worker_class = "gthread"
# One process per core for rendering pages (Python runs one thread at a time), and threads to wait on the
# database and on clients.
workers = env_int("WEB_CONCURRENCY", available_cores(), minimum=1)
threads = env_int("GUNICORN_THREADS", 4, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# Each response closes its connection, as a sync worker's does. A kept-alive connection stays with the worker
# that accepted it, so under load one worker's threads queue while another's idle: 55 requests a second in the
# load test with keep-alive, 66-68 without.
keepalive = env_int("GUNICORN_KEEPALIVE", 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# The heartbeat file in memory, not on a container's overlay disk, where a slow write could look like a hang.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket (for gunicornc) defaults to one path in the home folder, which every gunicorn started
# by the same user would share; there is none unless GUNICORN_CONTROL_SOCKET names a path of this server's own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
