"""The VAPID key pair that signs web pushes, in the forms the settings hold them."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_key_pair() -> tuple[str, str]:
    """A new P-256 pair: (public key, private key), each base64url without padding.

    The public key is the uncompressed point browsers take as `applicationServerKey`; the
    private key is the raw 32-byte scalar pywebpush reads.
    """
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = private_key.private_numbers().private_value.to_bytes(32, "big")
    return _b64url(public), _b64url(private)
