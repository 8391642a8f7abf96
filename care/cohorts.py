"""Cohorts: the patients of a staff member's caseload who share a tag. Staff assign a plan template to a whole
cohort, or push an education article or notice to it.

A push never reaches a patient who opted out of education messages, nor one who already had
`max_per_week` pushes in the last 7 days; each copy is an occurrence (kind `education`, no escalation), so
delivery, quiet hours, channel fallback and the timeline work as for any reminder.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from care import plans as plans_service
from care.models import Occurrence, PatientTag, Plan, PlanTemplate, Push
from care.schedule import Clock
from identity import staff as staff_service
from identity.access import Actor
from identity.models import Patient
from messaging.models import OptOut

EDUCATION = "education"
CHUNK = 500


def tags_of(*, db_session: Session, patient_id: str) -> list[str]:
    return sorted(db_session.scalars(select(PatientTag.tag).where(PatientTag.patient_id == patient_id)))


def set_tags(*, db_session: Session, patient: Patient, tags: list[str], by: str) -> list[str]:
    """Replaces the patient's tags (kept tags keep their history)."""
    wanted = set(tags)
    current = set(tags_of(db_session=db_session, patient_id=patient.id))
    if current - wanted:
        db_session.execute(delete(PatientTag).where(PatientTag.patient_id == patient.id,
                                                    PatientTag.tag.in_(current - wanted)))
    db_session.add_all([PatientTag(patient_id=patient.id, tag=tag, created_by=by) for tag in sorted(wanted - current)])
    db_session.flush()
    return sorted(wanted)


def cohort(*, db_session: Session, actor: Actor, tag: str) -> list[str]:
    """Ids of the patients the actor may care for who carry the tag."""
    query = staff_service.caseload_query(actor)
    if query is None:
        return []
    return list(db_session.scalars(query.with_only_columns(Patient.id).join(PatientTag, PatientTag.patient_id == Patient.id)
                                   .where(PatientTag.tag == tag).order_by(Patient.id)))


def assign_to_cohort(
    *, db_session: Session, actor: Actor, tag: str, template: PlanTemplate, start_date: date | None,
    clock: Clock, now: datetime, horizon_days: int,
) -> dict[str, int]:
    """Gives every patient of the cohort a plan from the template, except those already on an active one."""
    ids = cohort(db_session=db_session, actor=actor, tag=tag)
    assigned = already = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        on_plan = set(db_session.scalars(select(Plan.patient_id).where(
            Plan.patient_id.in_(chunk), Plan.template_id == template.id, Plan.status.in_(("active", "paused")))))
        for patient in db_session.scalars(select(Patient).where(Patient.id.in_(set(chunk) - on_plan))):
            plans_service.assign(db_session=db_session, patient=patient, template=template, start_date=start_date,
                                 created_by=actor.audit_id, clock=clock, now=now, horizon_days=horizon_days)
            assigned += 1
        already += len(on_plan)
        db_session.flush()
    return {"cohort": len(ids), "assigned": assigned, "already_on_plan": already}


def push(
    *, db_session: Session, actor: Actor, tag: str, title: str, content: str, link: str | None, channels: list[str],
    clock: Clock, now: datetime, max_per_week: int,
) -> Push:
    """Queues the article or notice for every patient of the cohort who may get it; counts those left out."""
    ids = cohort(db_session=db_session, actor=actor, tag=tag)
    record = Push(tag=tag, title=title, content=content, link=link, channels=channels, created_by=actor.audit_id,
                  counts={}, created_at=now)
    db_session.add(record)
    db_session.flush()
    due = clock.after_quiet_hours(now)
    body = f"{content}\n{link}" if link else content
    counts = {"cohort": len(ids), "queued": 0, "opted_out": 0, "rate_limited": 0}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        opted_out = set(db_session.scalars(select(OptOut.patient_id).where(
            OptOut.patient_id.in_(chunk), OptOut.category == EDUCATION)))
        recent = dict(db_session.execute(select(Occurrence.patient_id, func.count()).where(
            Occurrence.patient_id.in_(chunk), Occurrence.kind == EDUCATION, Occurrence.plan_id.is_(None),
            Occurrence.created_at >= now - timedelta(days=7)).group_by(Occurrence.patient_id)).all())
        for patient_id in chunk:
            if patient_id in opted_out:
                counts["opted_out"] += 1
            elif recent.get(patient_id, 0) >= max_per_week:
                counts["rate_limited"] += 1
            else:
                counts["queued"] += 1
                db_session.add(Occurrence(
                    patient_id=patient_id, plan_id=None, node_key="push", slot_key=f"push:{record.id}:{patient_id}",
                    kind=EDUCATION, title=title, content=body, slot_at=now, due_at=due, channels=channels, steps=[],
                    emergency=False, state="pending", step=0, next_action_at=due, created_at=now))
        db_session.flush()
    record.counts = counts
    return record


def set_opt_out(*, db_session: Session, patient_id: str, category: str, opted_out: bool, channel: str) -> bool:
    """Records the patient's choice; returns whether they are now opted out."""
    row = db_session.scalar(select(OptOut).where(OptOut.patient_id == patient_id, OptOut.category == category))
    if opted_out and row is None:
        db_session.add(OptOut(patient_id=patient_id, category=category, channel=channel))
    elif not opted_out and row is not None:
        db_session.delete(row)
    db_session.flush()
    return opted_out


def opt_outs(*, db_session: Session, patient_id: str) -> set[str]:
    return set(db_session.scalars(select(OptOut.category).where(OptOut.patient_id == patient_id)))
