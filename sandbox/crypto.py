"""RSA2 (SHA256withRSA) and AES helpers shared by the sandbox's Alipay endpoints."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_PUBLIC_BEGIN = "-----BEGIN PUBLIC KEY-----"
_PUBLIC_END = "-----END PUBLIC KEY-----"


def load_public_key(key: str) -> rsa.RSAPublicKey:
    """Accept a PEM public key or the bare base64 body that Alipay's console shows."""
    text = key.strip()
    if _PUBLIC_BEGIN not in text:
        text = f"{_PUBLIC_BEGIN}\n{text}\n{_PUBLIC_END}"
    loaded = serialization.load_pem_public_key(text.encode())
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise TypeError("not an RSA public key")
    return loaded


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    loaded = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise TypeError("not an RSA private key")
    return loaded


def rsa2_sign(private_key: rsa.RSAPrivateKey, content: str) -> str:
    signature = private_key.sign(content.encode("utf-8"), asym_padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def rsa2_verify(public_key: rsa.RSAPublicKey, content: str, sign: str) -> bool:
    try:
        signature = base64.b64decode(sign, validate=True)
        public_key.verify(signature, content.encode("utf-8"), asym_padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def aes_cbc_encrypt(aes_key_b64: str, plaintext: str) -> str:
    """AES-CBC with a zero IV and PKCS#5/7 padding, as Alipay's content encryption does."""
    key = base64.b64decode(aes_key_b64)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(b"\0" * 16)).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")
