"""Audit log: every read or change of a patient's record by anyone other than the system."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from identity.models import AuditLog


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from; views build it, services record it."""

    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


def record(
    *,
    db_session: Session,
    actor_type: str,
    actor_id: str,
    action: str,
    resource: str,
    patient_id: str | None,
    resource_id: str | None = None,
    ctx: RequestContext | None = None,
) -> None:
    ctx = ctx or RequestContext()
    db_session.add(
        AuditLog(
            actor_type=actor_type,
            actor_id=actor_id,
            action=action,
            resource=resource,
            resource_id=resource_id,
            patient_id=patient_id,
            ip=ctx.ip,
            user_agent=(ctx.user_agent or "")[:256] or None,
            request_id=ctx.request_id,
        )
    )
