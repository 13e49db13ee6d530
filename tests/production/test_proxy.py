"""The proxy of the compose stack (deploy/nginx/rounds.conf), run here with nginx in front
of the app on gunicorn: it stamps each request for the app's queue timeout and overwrites a
client's stamp, refuses at once what the app could not start in time, serves static files
and uploads itself, refuses oversized bodies, and keeps the Host the browser sent.

The app's single worker is paused (SIGSTOP) to make a queue: the tests wait on what the
kernel reports (connections waiting in gunicorn's backlog), never for a guessed time.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from deploy.local_nginx import CONFIG, LocalProxy, local_config, running_nginx
from posts.services import MAX_IMAGES
from tests.notifications.test_delivery_integration import _database_url, _stop, _wait_for
from tests.production.test_faults import CSRF_SECRET, App, _start_app, static_root  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.usefixtures("nginx_installed")]

ROOT = Path(settings.BASE_DIR)
QUEUE_TIMEOUT_MS = 300
IN_FLIGHT_LIMIT = 256


@dataclass
class Stack:
    app: App
    proxy: LocalProxy
    files: Path

    @property
    def worker(self) -> int:
        (worker,) = self.app.pids() - {self.app.process.pid}
        return worker

    def pause_app(self) -> None:
        os.kill(self.worker, signal.SIGSTOP)

    def resume_app(self) -> None:
        os.kill(self.worker, signal.SIGCONT)

    def waiting_in_backlog(self) -> int:
        """Connections gunicorn's listening socket holds for its worker to take."""
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, queues = fields[1], fields[3], fields[4]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == self.app.port:
                return int(queues.split(":")[1], 16)
        raise AssertionError(f"nothing listens on port {self.app.port}")

    def send(self, path: str, headers: dict[str, str] | None = None) -> socket.socket:
        """Send a GET through nginx and return the open connection, its answer unread."""
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        connection = socket.create_connection(("127.0.0.1", self.proxy.port), timeout=60)
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return connection

    def get(
        self, path: str, headers: dict[str, str] | None = None, *, port: int | None = None
    ) -> Answer:
        """A GET through nginx (or straight to `port`), answered."""
        connection = http.client.HTTPConnection("127.0.0.1", port or self.proxy.port, timeout=60)
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        answer = Answer.read(connection.getresponse())
        connection.close()
        return answer


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @classmethod
    def read(cls, response: http.client.HTTPResponse) -> Answer:
        body = response.read().decode(errors="replace")
        return cls(status=response.status, headers=response.headers, body=body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def _answer(connection: socket.socket) -> Answer:
    """The answer to a request `Stack.send` sent."""
    response = http.client.HTTPResponse(connection)
    response.begin()
    answer = Answer.read(response)
    connection.close()
    return answer


def _page_text(body: str) -> list[str]:
    """The title, heading and paragraph of a page, with its white space made single."""
    texts = re.findall(r"<(?:title|h1|p)>(.*?)</", body, flags=re.DOTALL)
    return [" ".join(text.split()) for text in texts]


def _serving(stack: Stack) -> bool:
    return stack.get("/explore/").status == 200


@pytest.fixture
def stack(transactional_db: None, static_root: Path, tmp_path: Path) -> Iterator[Stack]:  # noqa: F811
    files = tmp_path / "files"
    (files / "media").mkdir(parents=True)
    (files / "static").symlink_to(static_root)
    app = _start_app(
        {
            "DATABASE_URL": _database_url(),
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "1",
            # A paused worker must not be taken for a hung one.
            "GUNICORN_TIMEOUT": "300",
            "REQUEST_QUEUE_TIMEOUT_MS": str(QUEUE_TIMEOUT_MS),
            "TRUSTED_PROXY_COUNT": "1",
            "CLIENT_IP_HEADER": "X-Real-IP",
            "MEDIA_ROOT": str(files / "media"),
        },
        static_root,
        tmp_path,
    )
    try:
        with running_nginx(
            upstream_port=app.port, files_root=files, directory=tmp_path / "nginx"
        ) as proxy:
            stack = Stack(app=app, proxy=proxy, files=files)
            try:
                yield stack
            finally:
                os.kill(stack.worker, signal.SIGCONT)
    finally:
        _stop(app.process)


def _stamp(seconds_ago: float) -> str:
    return f"t={time.time() - seconds_ago:.3f}"


# --- The queue timeout -------------------------------------------------------------------


def test_a_request_that_queued_past_the_timeout_is_refused_by_the_app_when_its_turn_comes(
    stack: Stack,
) -> None:
    stack.pause_app()
    waiting = stack.send("/explore/")
    _wait_for(lambda: stack.waiting_in_backlog() == 1, "the request to reach gunicorn's backlog")
    queued_at = time.time()
    # nginx stamped it before passing it on, so it has now queued longer than the timeout.
    _wait_for(lambda: time.time() - queued_at > QUEUE_TIMEOUT_MS / 1000, "the timeout to pass")
    stack.resume_app()

    answer = _answer(waiting)

    assert answer.status == 503
    assert answer.header("Retry-After") == "5"
    assert "<h1>Rounds is busy</h1>" in answer.body
    # A request that had not queued is served as usual.
    _wait_for(lambda: _serving(stack), "a fresh request to be served")


def test_nginx_overwrites_a_request_start_sent_by_the_client(stack: Stack) -> None:
    forged = {"X-Request-Start": _stamp(60)}
    # The app honours the header: straight to gunicorn, a minute-old stamp is refused...
    assert stack.get("/explore/", forged, port=stack.app.port).status == 503
    # ...but through nginx the client's value is replaced with nginx's own.
    _wait_for(lambda: stack.get("/explore/", forged).status == 200, "the page through nginx")


def test_the_headers_the_app_trusts_are_written_by_nginx() -> None:
    config = CONFIG.read_text()
    assert 'proxy_set_header X-Request-Start "t=${msec}";' in config
    assert "proxy_set_header X-Real-IP $remote_addr;" in config


# --- The limit on requests in the app ------------------------------------------------------


def test_past_the_limit_of_requests_in_the_app_nginx_refuses_at_once_but_not_health_checks(
    stack: Stack,
) -> None:
    stack.pause_app()
    waiting = [stack.send("/explore/") for _ in range(IN_FLIGHT_LIMIT)]
    _wait_for(
        lambda: stack.waiting_in_backlog() == IN_FLIGHT_LIMIT,
        f"{IN_FLIGHT_LIMIT} requests to reach gunicorn's backlog",
    )

    refused = stack.get("/explore/")
    health_connection = stack.send("/healthz")
    _wait_for(
        lambda: stack.waiting_in_backlog() == IN_FLIGHT_LIMIT + 1,
        "the health check to reach gunicorn's backlog",
    )

    assert refused.status == 503
    assert refused.header("Retry-After") == "5"
    assert refused.header("Cache-Control") == "no-store"
    stack.resume_app()
    health = _answer(health_connection)
    assert health.status == 200
    assert json.loads(health.body)["status"] == "ok"
    # Every request that got in is answered by the app (served, or refused for its wait).
    statuses = {_answer(connection).status for connection in waiting}
    assert statuses <= {200, 503}
    _wait_for(lambda: _serving(stack), "a fresh request to be served")


def test_nginx_refuses_with_the_apps_own_page_and_retry_after(stack: Stack) -> None:
    stack.pause_app()
    waiting = [stack.send("/explore/") for _ in range(IN_FLIGHT_LIMIT)]
    _wait_for(lambda: stack.waiting_in_backlog() == IN_FLIGHT_LIMIT, "the app to be full")
    from_nginx = stack.get("/explore/")
    stack.resume_app()
    for connection in waiting:
        _answer(connection)
    from_app = stack.get("/explore/", {"X-Request-Start": _stamp(60)}, port=stack.app.port)

    assert from_nginx.status == from_app.status == 503
    assert from_nginx.header("Retry-After") == from_app.header("Retry-After") == "5"
    assert from_nginx.header("Content-Type") == from_app.header("Content-Type")
    assert _page_text(from_nginx.body) == _page_text(from_app.body)
    assert _page_text(from_app.body)[1] == "Rounds is busy"


# --- Files, sizes, hosts ---------------------------------------------------------------------


def test_nginx_serves_static_files_itself_hashed_names_cached_for_a_year(stack: Stack) -> None:
    manifest = json.loads((stack.files / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    stack.pause_app()  # Nothing below may need the app.

    immutable = stack.get(f"/static/{hashed}", {"Accept-Encoding": "gzip"})
    plain = stack.get("/static/css/site.css")

    assert immutable.status == 200
    assert immutable.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert immutable.header("Content-Encoding") == "gzip"  # The .gz collectstatic wrote.
    assert immutable.header("X-Content-Type-Options") == "nosniff"
    assert plain.status == 200
    assert plain.header("Cache-Control") == "public, max-age=60"
    assert stack.get("/static/css/missing.css").status == 404


def test_nginx_serves_public_uploads_itself(stack: Stack) -> None:
    (stack.files / "media" / "avatars").mkdir()
    (stack.files / "media" / "avatars" / "a1b2-96.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")
    stack.pause_app()

    upload = stack.get("/media/avatars/a1b2-96.webp")

    assert upload.status == 200
    assert upload.header("Content-Type") == "image/webp"
    assert upload.header("Cache-Control") == "private, max-age=86400"
    assert upload.header("Content-Security-Policy") == "default-src 'none'; sandbox"
    assert stack.get("/media/avatars/missing.webp").status == 404


def _nginx_holds_a_body_in_a_temporary_file(proxy: LocalProxy) -> bool:
    """Whether an nginx process has a request body open in its temporary files (it keeps
    the first 256 KB of a body in memory and the rest in such a file)."""
    temporary = str(proxy.directory / "client_body")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != proxy.process.pid:
                continue
            targets = [os.readlink(link) for link in (entry / "fd").iterdir()]
        except OSError:
            continue
        if any(target.startswith(temporary) for target in targets):
            return True
    return False


def test_an_upload_reaches_the_app_only_once_its_whole_body_has_arrived(stack: Stack) -> None:
    stack.pause_app()
    upload = socket.create_connection(("127.0.0.1", stack.proxy.port), timeout=60)
    headers = "POST /posts/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    headers += "Content-Type: application/octet-stream\r\nContent-Length: 400000\r\n\r\n"
    upload.sendall(headers.encode() + b"x" * 300_000)
    _wait_for(
        lambda: _nginx_holds_a_body_in_a_temporary_file(stack.proxy),
        "nginx to take in the first 300 KB",
    )
    # A slow client holds nginx, not a worker: the app has not been asked yet.
    assert stack.waiting_in_backlog() == 0

    upload.sendall(b"x" * 100_000)

    _wait_for(lambda: stack.waiting_in_backlog() == 1, "the whole upload to be passed on")
    stack.resume_app()
    assert _answer(upload).status == 403  # No CSRF token: the app answered it.


def test_a_body_over_the_largest_post_is_refused_by_nginx_before_the_app_sees_it(
    stack: Stack,
) -> None:
    stack.pause_app()
    connection = http.client.HTTPConnection("127.0.0.1", stack.proxy.port, timeout=60)
    connection.putrequest("POST", "/posts/new/", skip_host=True)
    connection.putheader("Host", "127.0.0.1")
    connection.putheader("Content-Length", str(43 * 1024 * 1024 + 1))
    connection.endheaders()
    response = connection.getresponse()
    connection.close()

    assert response.status == 413
    assert stack.waiting_in_backlog() == 0


def test_the_body_limit_fits_a_post_with_four_of_the_largest_images() -> None:
    match = re.search(r"client_max_body_size (\d+)m;", CONFIG.read_text())
    assert match is not None
    limit = int(match.group(1)) * 1024 * 1024
    largest_post = MAX_IMAGES * settings.MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # Room for the largest post, and not a megabyte more.
    assert largest_post <= limit < largest_post + 1024 * 1024


def test_a_form_posted_through_nginx_passes_the_csrf_origin_check(stack: Stack) -> None:
    # Django compares the browser's Origin with the Host it sees: nginx must pass the
    # port on (a form would otherwise fail with 403 on every port but 80).
    host = f"127.0.0.1:{stack.proxy.port}"
    connection = http.client.HTTPConnection("127.0.0.1", stack.proxy.port, timeout=60)
    body = f"login=nobody%40example.org&password=wrong&csrfmiddlewaretoken={CSRF_SECRET}"
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Host": host,
            "Origin": f"http://{host}",
            "Cookie": f"csrftoken={CSRF_SECRET}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()

    assert response.status == 200  # The form again, with its error: not a 403.
    assert "The email address and/or password you specified are not correct." in page


def test_the_access_log_has_a_json_line_per_request_with_the_id_the_app_returns(
    stack: Stack,
) -> None:
    ours = stack.get("/explore/")
    theirs = stack.get("/explore/", {"X-Request-ID": "lb-0123456789abcdef"})

    def entry(request_id: str) -> dict[str, object] | None:
        found = [e for e in stack.proxy.log_entries() if e["request_id"] == request_id]
        return found[0] if found else None

    # nginx writes its log out at least once a second.
    _wait_for(lambda: entry(ours.header("X-Request-ID") or "") is not None, "the log line")
    logged = entry(ours.header("X-Request-ID") or "")
    assert logged is not None
    assert re.fullmatch(r"[0-9a-f]{32}", str(logged["request_id"]))  # Made by nginx.
    assert (logged["uri"], logged["status"], logged["upstream_status"]) == ("/explore/", 200, "200")
    assert isinstance(logged["request_time"], float)
    # A load balancer's id in front is kept, by nginx and by the app.
    assert theirs.header("X-Request-ID") == "lb-0123456789abcdef"
    _wait_for(lambda: entry("lb-0123456789abcdef") is not None, "the second log line")


# --- The compose stack ----------------------------------------------------------------------


def test_the_compose_stack_is_served_through_the_proxy_with_this_configuration() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    proxy, web = services["proxy"], services["web"]
    assert proxy["build"]["target"] == "proxy"
    assert proxy["ports"] == ["8000:80"]
    assert "ports" not in web  # Only through the proxy.
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert web["environment"]["CLIENT_IP_HEADER"] == "X-Real-IP"
    assert "media:/srv/rounds/media:ro" in proxy["volumes"]
    assert not any(volume.startswith("private:") for volume in proxy["volumes"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY deploy/nginx/rounds.conf /etc/nginx/conf.d/default.conf" in dockerfile
    assert "COPY --from=app /app/var/static /srv/rounds/static" in dockerfile


def test_the_local_copy_changes_only_addresses_and_paths(tmp_path: Path) -> None:
    local = local_config(
        listen_port=8123,
        upstream_port=8124,
        files_root=tmp_path,
        access_log=tmp_path / "log",
        page_cache=tmp_path / "pages",
    )
    changed = [
        (shipped, here)
        for shipped, here in zip(CONFIG.read_text().splitlines(), local.splitlines(), strict=True)
        if shipped != here
    ]
    assert [here.strip() for _, here in changed] == [
        "server 127.0.0.1:8124;",
        "server 127.0.0.1:8124;",  # The event streams' upstream, by default the same.
        f"proxy_cache_path {tmp_path / 'pages'} levels=1:2 keys_zone=rounds_pages:10m",
        "listen 127.0.0.1:8123;",
        f"access_log {tmp_path / 'log'} rounds buffer=64k flush=1s;",
        f"root {tmp_path};",
        f"root {tmp_path};",
    ]
