"""The app's own CPU time per hot page, in one process, as a ratio to `/healthz`.

Where `bench/run_pages.py` measures through gunicorn and wrk (wall time, which a busy shared
machine inflates many times over), this measures the CPU time the Django process spends on
each page (`time.process_time`, Django's test client signed in as the bench member, against
the scale data set), best of several blocks, and the same for `/healthz` (one query) in the
same run: the ratio page / healthz compares across machines and loads better than either
figure. The database's own time is not counted (it runs in PostgreSQL's processes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale \\
    REDIS_URL=redis://127.0.0.1:6379/7 python -m bench.cpu_pages --blocks 5 --per-block 10

Two versions compare by running this alternately in a checkout of each (same data set).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
for _name, _value in {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
    # DEBUG=0 serves hashed static files from a manifest: collected once, for the bench.
    "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
}.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.scale.hot_pages import HotPage, hot_pages  # noqa: E402
from bench.scale.sizes import BENCH_HANDLE  # noqa: E402

FLOOR = HotPage("/healthz (floor)", "/healthz")


def cpu_ms_per_request(client: Client, path: str, *, blocks: int, per_block: int) -> list[float]:
    """CPU milliseconds per request of each block, after three warm-up requests."""
    for _ in range(3):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    figures = []
    for _ in range(blocks):
        start = time.process_time()
        for _ in range(per_block):
            client.get(path)
        figures.append((time.process_time() - start) / per_block * 1000)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--per-block", type=int, default=10)
    args = parser.parse_args()
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    # The floor is the cheapest request on the stack: /healthz as a load balancer asks it,
    # with no session (one query).
    floor = min(
        cpu_ms_per_request(
            Client(HTTP_HOST="127.0.0.1"),
            FLOOR.path,
            blocks=args.blocks,
            per_block=args.per_block,
        )
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(handle=BENCH_HANDLE))
    print("| Page | Best ms CPU | Median ms CPU | Best / floor |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| {FLOOR.name} | {floor:.2f} | | 1.0 |")
    for page in hot_pages():
        figures = cpu_ms_per_request(
            client, page.path, blocks=args.blocks, per_block=args.per_block
        )
        best = min(figures)
        print(
            f"| {page.name} | {best:.2f} | {statistics.median(figures):.2f} | {best / floor:.1f} |"
        )


if __name__ == "__main__":
    main()
