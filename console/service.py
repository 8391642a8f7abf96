"""Staff tasks: the one work queue for alerts, hand-offs and escalations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from console.models import StaffTask
from core.db import utcnow
from core.errors import ApiError
from identity.access import Actor
from identity.models import Patient

PRIORITY_ORDER = case({"urgent": 0, "high": 1, "normal": 2}, value=StaffTask.priority)


def open_task(
    *, db_session: Session, patient: Patient, kind: str, priority: str, title: str, detail: dict[str, Any],
    source_ref: str | None = None,
) -> StaffTask:
    """Raises a task for the patient's team (admins see unassigned patients' tasks)."""
    task = StaffTask(patient_id=patient.id, team_id=patient.team_id, kind=kind, priority=priority, title=title[:200],
                     detail=detail, source_ref=source_ref, status="open")
    db_session.add(task)
    db_session.flush()
    return task


def queue(*, db_session: Session, actor: Actor, status: str = "open", limit: int = 200) -> list[StaffTask]:
    """The actor's work queue: urgent first, then oldest first."""
    query = select(StaffTask).where(StaffTask.status == status)
    if actor.role != "admin":
        query = query.where(StaffTask.team_id == actor.team_id)
    return list(db_session.scalars(query.order_by(PRIORITY_ORDER, StaffTask.created_at).limit(limit)))


def get_for_actor(*, db_session: Session, actor: Actor, task_id: str) -> StaffTask:
    task = db_session.get(StaffTask, task_id)
    if task is None or (actor.role != "admin" and task.team_id != actor.team_id):
        raise ApiError(404, "not_found", "没有找到这个任务。")
    return task


def close(*, db_session: Session, task: StaffTask, actor: Actor, resolution: str) -> StaffTask:
    if task.status == "closed":
        raise ApiError(409, "already_closed", "这个任务已经处理完了。")
    task.status, task.closed_at, task.closed_by, task.resolution = "closed", utcnow(), actor.staff_id, resolution
    return task
