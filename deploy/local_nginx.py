"""Run deploy/nginx/rounds.conf on this machine, in front of a local gunicorn.

bench/overload.py, bench/visitor_pages.py and tests/production/test_proxy*.py use it, so
that they exercise the file the compose stack ships: only its addresses and paths change
(`local_config`), and the main configuration around it is the nginx image's own, with paths
of its own directory.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).resolve().parent / "nginx" / "rounds.conf"

# The values of the compose stack in rounds.conf, and how many times each appears there.
_LISTEN = ("listen 80;", 1)
_UPSTREAM = ("server web:8000 resolve;", 1)
_EVENTS_UPSTREAM = ("server events:8000 resolve;", 1)
_FILES_ROOT = ("root /srv/rounds;", 2)
_ACCESS_LOG = ("access_log /var/log/nginx/access.log ", 1)
_PAGE_CACHE = ("proxy_cache_path /var/cache/nginx/rounds ", 1)

# The nginx image's /etc/nginx/nginx.conf, with every path in `directory`.
_MAIN = """\
{user}worker_processes auto;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/rounds.conf;
}}
"""


def nginx_binary() -> str | None:
    """nginx's path, also where /usr/sbin is not on PATH; None when it is not installed."""
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin")


def local_config(
    *,
    listen_port: int,
    upstream_port: int,
    files_root: Path,
    access_log: Path,
    page_cache: Path,
    events_port: int | None = None,
) -> str:
    """rounds.conf listening on 127.0.0.1:`listen_port`, passing requests to gunicorn on
    127.0.0.1:`upstream_port`, serving `files_root`/static and `files_root`/media, keeping
    visitors' pages in `page_cache`. /events/ goes to uvicorn on `events_port` (by
    default the same upstream)."""
    text = CONFIG.read_text()
    replacements = [
        (_LISTEN, f"listen 127.0.0.1:{listen_port};"),
        (_UPSTREAM, f"server 127.0.0.1:{upstream_port};"),
        (_EVENTS_UPSTREAM, f"server 127.0.0.1:{events_port or upstream_port};"),
        (_FILES_ROOT, f"root {files_root};"),
        (_ACCESS_LOG, f"access_log {access_log} "),
        (_PAGE_CACHE, f"proxy_cache_path {page_cache} "),
    ]
    for (original, count), local in replacements:
        if text.count(original) != count:
            raise ValueError(f"{CONFIG.name} should have {original!r} {count} time(s)")
        text = text.replace(original, local)
    return text


@dataclass
class LocalProxy:
    port: int
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def access_log(self) -> Path:
        return self.directory / "access.log"

    def log_entries(self) -> list[dict[str, Any]]:
        """The access log's entries. nginx writes them out every second, and when it stops."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_bytes().splitlines()
        return [json.loads(line) for line in lines if line.strip()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def running_nginx(*, upstream_port: int, files_root: Path, directory: Path) -> Iterator[LocalProxy]:
    """nginx with rounds.conf on a free loopback port, its configuration, logs and
    temporary files in `directory`; stopped on leaving."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    (directory / "rounds.conf").write_text(
        local_config(
            listen_port=port,
            upstream_port=upstream_port,
            files_root=files_root,
            access_log=directory / "access.log",
            page_cache=directory / "pages",
        )
    )
    # Run as root, nginx would hand its workers to an unprivileged user who cannot read
    # the private temporary directories the files are in.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(_MAIN.format(user=user, directory=directory))
    command = [binary, "-e", str(directory / "error.log"), "-c", str(directory / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration:\n{checked.stderr}")
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _accepts_connections(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (directory / "error.log").read_text(errors="replace")
                raise RuntimeError(f"nginx did not start:\n{log}")
            time.sleep(0.05)
        yield LocalProxy(port=port, directory=directory, process=process)
    finally:
        # A graceful stop, which also writes out what the access log still holds.
        for stop in (signal.SIGQUIT, signal.SIGKILL):
            if process.poll() is None:
                os.killpg(process.pid, stop)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    continue
