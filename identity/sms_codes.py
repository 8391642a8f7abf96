"""One-time SMS login codes: hashed in Redis with a short TTL, few attempts, and send limits."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import redis

from core.errors import ApiError
from core.redis import count_in_windows

# (window seconds, max sends) per phone, and per client IP
PHONE_SEND_LIMITS = ((60, 1), (3600, 5), (86400, 10))
IP_SEND_LIMITS = ((3600, 30),)


def _key(phone_hash: str) -> str:
    return f"smscode:{phone_hash}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def check_send_limits(*, redis_client: redis.Redis, phone_hash: str, ip: str) -> None:
    keys = [(f"rl:sms:p:{phone_hash}:{w}", w, n) for w, n in PHONE_SEND_LIMITS]
    keys += [(f"rl:sms:ip:{ip}:{w}", w, n) for w, n in IP_SEND_LIMITS]
    counts = count_in_windows(redis_client, [(key, window) for key, window, _ in keys])
    for (_, window, limit), count in zip(keys, counts, strict=True):
        if int(count) > limit:
            message = "验证码发送太频繁了，请一分钟后再试。" if window == 60 else "今天获取验证码的次数太多了，请稍后再试。"
            raise ApiError(429, "sms_rate_limited", message, retry_after=window)


def new_code(*, redis_client: redis.Redis, phone_hash: str, ttl_seconds: int) -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    key = _key(phone_hash)
    pipe = redis_client.pipeline()
    pipe.delete(key)
    pipe.hset(key, mapping={"digest": _digest(code), "attempts": 0})
    pipe.expire(key, ttl_seconds)
    pipe.execute()
    return code


def verify(*, redis_client: redis.Redis, phone_hash: str, code: str, max_attempts: int) -> None:
    """Consumes the code on success; too many wrong tries burn it."""
    key = _key(phone_hash)
    attempts = redis_client.hincrby(key, "attempts", 1)
    digest = redis_client.hget(key, "digest")
    if digest is None:
        redis_client.delete(key)
        raise ApiError(400, "sms_code_invalid", "验证码不对或已过期，请重新获取。")
    if attempts > max_attempts:
        redis_client.delete(key)
        raise ApiError(429, "sms_code_locked", "验证码输错次数太多，请重新获取。")
    if not hmac.compare_digest(digest.decode(), _digest(code)):
        raise ApiError(400, "sms_code_invalid", "验证码不对或已过期，请重新获取。")
    redis_client.delete(key)
