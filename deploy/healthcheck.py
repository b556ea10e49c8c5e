"""The container's health check: exits 0 while /healthz/ answers 200 (the app and its database are up), else 1."""

import os
import sys
import urllib.request

port = os.environ.get("BIND", "0.0.0.0:8000").rsplit(":", 1)[1]
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:  # refused, timed out, or an HTTP error such as 503
    sys.exit(f"unhealthy: {error}")
