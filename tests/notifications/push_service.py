"""A local stand-in for a browser's push service, and a device's keys to read what it got."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.models import User
from notifications.models import PushSubscription


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """Answers each POST with the next status scripted for its path (201 when none is)."""

    url: str
    received: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [push for push in self.received if push.path == path]


@dataclass
class Device:
    """A browser's side of a subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    endpoint: str

    @property
    def p256dh(self) -> str:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(public)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def as_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def subscribe(self, member: User) -> PushSubscription:
        return PushSubscription.objects.create(
            member=member, endpoint=self.endpoint, p256dh=self.p256dh, auth=self.auth
        )

    def decrypt(self, push: Received) -> dict[str, Any]:
        encoding = {name.lower(): value for name, value in push.headers.items()}
        assert encoding["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            push.body, private_key=self.private_key, auth_secret=self.auth_secret
        )
        data = json.loads(plain)
        assert isinstance(data, dict)
        return data


def make_device(service: PushService, name: str) -> Device:
    return Device(
        private_key=ec.generate_private_key(ec.SECP256R1()),
        auth_secret=os.urandom(16),
        endpoint=f"{service.url}/push/{name}",
    )


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """A push service on a free local port, for the length of one test."""
    service: PushService

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with service.lock:
                service.received.append(Received(self.path, dict(self.headers.items()), body))
                scripted = service.statuses.get(self.path)
                status = scripted.pop(0) if scripted else 201
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
