"""Staff users: argon2 passwords, roles, login throttling, and the caseload a role may see."""

from __future__ import annotations

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.blocking import off_the_event_loop
from core.errors import ApiError
from core.redis import count_in_windows
from identity.access import STAFF_ROLES, Actor
from identity.models import Patient, StaffUser

_hasher = PasswordHasher()
# Verifying against this keeps unknown usernames as slow as wrong passwords.
_DUMMY_HASH = _hasher.hash("kangban-timing-equaliser")


def hash_password(password: str) -> str:
    return off_the_event_loop(_hasher.hash, password)


def create(
    *, db_session: Session, hospital_id: str, username: str, password: str, display_name: str, role: str,
    team_id: str | None = None, wecom_userid: str | None = None,
) -> StaffUser:
    if role not in STAFF_ROLES:
        raise ValueError(f"unknown role {role!r}")
    staff = StaffUser(hospital_id=hospital_id, team_id=team_id, username=username, display_name=display_name,
                      password_hash=hash_password(password), role=role, wecom_userid=wecom_userid)
    db_session.add(staff)
    db_session.flush()
    return staff


def authenticate(
    *, db_session: Session, redis_client: redis.Redis, username: str, password: str, ip: str,
    max_failures: int, lockout_seconds: int,
) -> StaffUser:
    """Checks the password; after `max_failures` misses for a username (or from an IP) it locks for a while."""
    keys = (f"rl:staff-login:u:{username.lower()}", f"rl:staff-login:ip:{ip}")
    if any(int(redis_client.get(k) or 0) >= limit for k, limit in zip(keys, (max_failures, max_failures * 4), strict=True)):
        raise ApiError(429, "too_many_login_attempts", "登录失败次数太多，请15分钟后再试。")
    staff = db_session.scalar(select(StaffUser).where(StaffUser.username == username))
    try:
        ok = (off_the_event_loop(_hasher.verify, staff.password_hash if staff else _DUMMY_HASH, password)
              and staff is not None and staff.active)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        count_in_windows(redis_client, [(key, lockout_seconds) for key in keys])
        raise ApiError(401, "invalid_credentials", "用户名或密码不对。")
    assert staff is not None
    redis_client.delete(keys[0])
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    return staff


def caseload_query(actor: Actor) -> Select[tuple[Patient]] | None:
    """Patients this staff member may care for: the whole hospital for admins, their team otherwise (None: nobody)."""
    query = select(Patient)
    if actor.role != "admin":
        if actor.team_id is None:
            return None
        query = query.where(Patient.team_id == actor.team_id)
    return query


def caseload(*, db_session: Session, actor: Actor) -> list[Patient]:
    query = caseload_query(actor)
    if query is None:
        return []
    return list(db_session.scalars(query.order_by(Patient.created_at.desc()).limit(500)))
