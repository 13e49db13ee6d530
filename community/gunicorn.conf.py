"""gunicorn settings, overridable through the environment."""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker process (gunicorn's sync worker): the pages are CPU-bound Python,
# and threads of one process take turns on one interpreter lock: two threads per process
# gave a higher p95 for fewer requests a second (BENCHMARKS.md, step 11). Sync workers
# need a buffering proxy in front, which the deployment has (docs/deploy.md).
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Connections the kernel holds until a worker takes one. Keep it above what the proxy may
# have in flight: past it the kernel drops new connections, and the proxy's connection
# retries turn overload into slow errors. How long a request may wait there is limited by
# time instead (REQUEST_QUEUE_TIMEOUT_MS, community/middleware.py).
backlog = int(os.environ.get("GUNICORN_BACKLOG", 2048))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a replica down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# A request makes and drops tens of thousands of objects, almost none of them in reference
# cycles (which are all the collector is for): collect the youngest generation after 50,000
# new objects instead of 700, and the older ones more rarely still (BENCHMARKS.md, step 39).
GC_THRESHOLDS = (50_000, 20, 100)


def post_worker_init(worker: object) -> None:
    """Once the app is loaded, move what is loaded so far (Django, the apps, their modules:
    never freed) out of the garbage collector's scans, and collect less often: each cuts the
    time requests spend in collections (BENCHMARKS.md, steps 13 and 39)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
