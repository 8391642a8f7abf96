"""RQ jobs of the console: telling the care team on WeCom about urgent and high-priority tasks.

The task queue in the console is the truth; the WeCom notice only makes a phone buzz. A task is claimed
(`notified_at`) before the notice is sent, so it is announced at most once; a retryable failure releases it
for the next run. The notice names the kind of task and the patient's masked name, nothing clinical:
WeCom messages pass through a third party and sit on phones.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from console.models import StaffTask
from core import db, platforms
from core.db import utcnow
from core.worker import app_context
from identity.models import Patient, StaffUser
from platforms.errors import RETRYABLE, PlatformError

log = structlog.get_logger(__name__)

NOTIFY_PRIORITIES = ("urgent", "high")
BATCH = 200
MAX_AGE = timedelta(hours=24)  # older tasks were seen in the console by now
KIND_TEXT = {"red_flag_alert": "危急症状", "handoff": "患者要求转人工", "vitals_alert": "体征异常",
             "escalation": "提醒一直没有确认", "phone_call": "需要尽快电话联系", "sms_reply": "患者回复了短信"}
PRIORITY_TEXT = {"urgent": "紧急", "high": "尽快"}


def notify_new_tasks() -> int:
    """Sends one WeCom notice per new urgent/high task to its team; returns how many tasks were announced."""
    with app_context():
        session = db.session()
        now = utcnow()
        candidates = list(session.scalars(select(StaffTask.id).where(
            StaffTask.notified_at.is_(None), StaffTask.status == "open", StaffTask.priority.in_(NOTIFY_PRIORITIES),
            StaffTask.created_at >= now - MAX_AGE).order_by(StaffTask.created_at).limit(BATCH)))
        if not candidates:
            return 0
        claimed = list(session.scalars(update(StaffTask).where(StaffTask.id.in_(candidates), StaffTask.notified_at.is_(None))
                                       .values(notified_at=now).returning(StaffTask.id)
                                       .execution_options(synchronize_session=False)))
        session.commit()
        announced = 0
        for task in session.scalars(select(StaffTask).where(StaffTask.id.in_(claimed)).order_by(StaffTask.created_at)):
            announced += _announce(session, task)
        session.commit()
        return announced


def _announce(session: Session, task: StaffTask) -> int:
    recipients = list(session.scalars(select(StaffUser.wecom_userid).where(
        StaffUser.active.is_(True), StaffUser.wecom_userid.is_not(None),
        or_(StaffUser.team_id == task.team_id, StaffUser.role == "admin") if task.team_id else StaffUser.role == "admin")))
    if not recipients:
        return 0
    patient = session.get(Patient, task.patient_id)
    who = _masked(patient.name if patient is not None else None)
    text = (f"【康伴·{PRIORITY_TEXT.get(task.priority, '')}】{KIND_TEXT.get(task.kind, '新任务')}：{who}。"
            "请打开康伴工作台查看并处理。")
    try:
        platforms.wecom().send_text(sorted(set(recipients)), text)
    except PlatformError as exc:
        log.warning("task_notice_failed", task_id=task.id, kind=exc.kind, errcode=exc.errcode)
        if exc.kind == RETRYABLE:
            task.notified_at = None  # the next run tries again
        return 0
    return 1


def _masked(name: str | None) -> str:
    return f"{name[0]}{'*' * min(2, len(name) - 1 or 1)}" if name else "一位患者"
