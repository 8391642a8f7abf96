"""Background jobs of the identity domain."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from core import db
from core.db import utcnow
from core.worker import app_context
from identity.models import FamilyInvitation, RefreshToken, TokenFamily

RETENTION_AFTER_EXPIRY = timedelta(days=7)


def purge_expired() -> dict[str, int]:
    """Least data: drop refresh tokens of long-dead sessions and invitations nobody accepted."""
    with app_context():
        session = db.session()
        cutoff = utcnow() - RETENTION_AFTER_EXPIRY
        dead_families = select(TokenFamily.id).where(TokenFamily.expires_at < cutoff)
        tokens = session.execute(delete(RefreshToken).where(RefreshToken.family_id.in_(dead_families))).rowcount
        invitations = session.execute(
            delete(FamilyInvitation).where(FamilyInvitation.accepted_at.is_(None), FamilyInvitation.expires_at < cutoff)
        ).rowcount
        session.commit()
        return {"refresh_tokens": tokens, "invitations": invitations}
