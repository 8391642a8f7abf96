"""Field encryption (AES-256-GCM) and keyed lookup hashes for personal identifiers (PIPL)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

KEY_VERSION = "v1"


class FieldCipher:
    """Encrypts one field value; the key version prefix leaves room for key rotation."""

    def __init__(self, encryption_key_b64: str, lookup_key_b64: str) -> None:
        key = base64.b64decode(encryption_key_b64)
        if len(key) != 32:
            raise ValueError("FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
        self._aead = AESGCM(key)
        self._lookup_key = base64.b64decode(lookup_key_b64)
        if len(self._lookup_key) < 32:
            raise ValueError("LOOKUP_HASH_KEY must be at least 32 bytes, base64-encoded")

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), KEY_VERSION.encode())
        return f"{KEY_VERSION}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str) -> str:
        version, _, payload = token.partition(":")
        if version != KEY_VERSION:
            raise ValueError(f"unknown field key version {version!r}")
        raw = base64.b64decode(payload)
        return self._aead.decrypt(raw[:12], raw[12:], version.encode()).decode()

    def lookup_hash(self, kind: str, value: str) -> str:
        """Deterministic keyed hash so we can find a patient by phone without storing it in clear."""
        return hmac.new(self._lookup_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


_cipher: FieldCipher | None = None


def configure(cipher: FieldCipher) -> None:
    global _cipher
    _cipher = cipher


def cipher() -> FieldCipher:
    if _cipher is None:
        raise RuntimeError("field encryption is not configured (create_app configures it)")
    return _cipher


class Encrypted(TypeDecorator[str]):
    """A string column stored AES-GCM encrypted; plaintext never reaches the database."""

    impl = String(512)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else cipher().decrypt(value)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def generate_key(nbytes: int = 32) -> str:
    return base64.b64encode(os.urandom(nbytes)).decode()
