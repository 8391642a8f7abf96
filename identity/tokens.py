"""Short-lived access JWTs + rotating refresh tokens. Reusing a spent refresh token revokes its family."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.config import Settings
from core.db import utcnow
from core.errors import ApiError
from identity.models import RefreshToken, TokenFamily

ALGORITHM = "HS256"
REFRESH_PREFIX = "rt_"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    family_id: str
    patient_id: str | None = None
    staff_id: str | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _access_token(*, settings: Settings, family_id: str, ttl: int) -> str:
    now = utcnow()
    claims = {"fam": family_id, "typ": "access", "iat": now, "exp": now + timedelta(seconds=ttl)}
    return jwt.encode(claims, settings.token_signing_key, algorithm=ALGORITHM)


def _new_refresh(db_session: Session, family_id: str) -> str:
    token = REFRESH_PREFIX + secrets.token_urlsafe(32)
    db_session.add(RefreshToken(family_id=family_id, token_hash=_hash(token)))
    return token


def issue(
    *,
    db_session: Session,
    settings: Settings,
    platform: str,
    patient_id: str | None = None,
    identity_id: str | None = None,
    staff_id: str | None = None,
) -> TokenPair:
    """Starts a login session (token family) and returns its first token pair."""
    kiosk = platform == "kiosk"  # public terminal: short session, no long-lived refresh
    family = TokenFamily(
        patient_id=patient_id,
        identity_id=identity_id,
        staff_id=staff_id,
        platform=platform,
        expires_at=utcnow()
        + timedelta(seconds=settings.kiosk_token_ttl_seconds if kiosk else settings.refresh_token_ttl_seconds),
    )
    db_session.add(family)
    db_session.flush()
    ttl = min(settings.access_token_ttl_seconds, settings.kiosk_token_ttl_seconds) if kiosk else settings.access_token_ttl_seconds
    return TokenPair(
        access_token=_access_token(settings=settings, family_id=family.id, ttl=ttl),
        refresh_token=_new_refresh(db_session, family.id),
        expires_in=ttl,
        family_id=family.id,
        patient_id=patient_id,
        staff_id=staff_id,
    )


def rotate(*, db_session: Session, settings: Settings, refresh_token: str) -> TokenPair:
    """Spends a refresh token for a new pair. A second use means it was stolen: end the whole family."""
    row = db_session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _hash(refresh_token)))
    if row is None:
        raise ApiError(401, "invalid_refresh_token", "登录已过期，请重新登录。")
    family = db_session.get(TokenFamily, row.family_id)
    assert family is not None
    # Atomic claim: two concurrent refreshes with the same token cannot both win.
    claimed = db_session.execute(
        update(RefreshToken).where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None)).values(used_at=utcnow())
    ).rowcount
    if not claimed:
        revoke_family(db_session=db_session, family_id=family.id, reason="refresh_reuse")
        db_session.commit()  # the revocation must outlive this failing request
        raise ApiError(401, "refresh_token_reused", "为了您的账号安全，请重新登录。")
    if family.revoked_at is not None or family.expires_at <= utcnow():
        raise ApiError(401, "invalid_refresh_token", "登录已过期，请重新登录。")
    ttl = settings.kiosk_token_ttl_seconds if family.platform == "kiosk" else settings.access_token_ttl_seconds
    return TokenPair(
        access_token=_access_token(settings=settings, family_id=family.id, ttl=min(ttl, settings.access_token_ttl_seconds)),
        refresh_token=_new_refresh(db_session, family.id),
        expires_in=min(ttl, settings.access_token_ttl_seconds),
        family_id=family.id,
        patient_id=family.patient_id,
        staff_id=family.staff_id,
    )


def authenticate(*, db_session: Session, settings: Settings, access_token: str) -> TokenFamily:
    """Returns the live token family behind an access token; revocation takes effect at once."""
    try:
        claims = jwt.decode(access_token, settings.token_signing_key, algorithms=[ALGORITHM], options={"require": ["exp", "fam"]})
    except jwt.PyJWTError as exc:
        raise ApiError(401, "invalid_token", "登录已过期，请重新登录。") from exc
    family = db_session.get(TokenFamily, claims["fam"]) if claims.get("typ") == "access" else None
    if family is None or family.revoked_at is not None or family.expires_at <= utcnow():
        raise ApiError(401, "invalid_token", "登录已过期，请重新登录。")
    return family


def revoke_family(*, db_session: Session, family_id: str, reason: str) -> None:
    db_session.execute(
        update(TokenFamily)
        .where(TokenFamily.id == family_id, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def revoke_all(*, db_session: Session, patient_id: str | None = None, staff_id: str | None = None) -> int:
    """Log out everywhere: every session of this patient on every platform (or of this staff user)."""
    column = TokenFamily.patient_id if patient_id else TokenFamily.staff_id
    return db_session.execute(
        update(TokenFamily)
        .where(column == (patient_id or staff_id), TokenFamily.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason="logout_all")
    ).rowcount
