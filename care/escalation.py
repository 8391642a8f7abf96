"""Working one due occurrence: the reminder, then each escalation step until it is acknowledged.

Step 0 is the reminder through the node's channel order; step n runs `steps[n-1]` (remind | sms | voice |
family | staff) `after_minutes` after the previous one, unless the reminder was acknowledged.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from care import texts
from care.models import Occurrence, Plan
from care.schedule import Clock
from console import service as console_service
from console.models import StaffTask
from identity.models import FamilyLink, Patient, PlatformIdentity
from messaging import service as messaging
from messaging.channels import Message, Recipient
from messaging.service import Outcome, Policy, Status

FAMILY_CHANNELS = ["wechat_subscribe", "sms"]
FAMILY_EMERGENCY_CHANNELS = ["sms", "wechat_subscribe"]
ACTION_CHANNELS = {"sms": ["sms"], "voice": ["voice"]}


def recipient(*, db_session: Session, patient: Patient, role: str, wechat_appid: str, channels: list[str]) -> Recipient:
    """The recipient's addresses on the given channels (only those are looked up)."""
    openid = wecom = None
    if "wechat_subscribe" in channels:
        openid = db_session.scalar(select(PlatformIdentity.subject).where(
            PlatformIdentity.patient_id == patient.id, PlatformIdentity.platform == "wechat",
            PlatformIdentity.app_id == wechat_appid).order_by(PlatformIdentity.last_login_at.desc()).limit(1))
    if "wecom" in channels:
        wecom = messaging.wecom_address(db_session=db_session, patient_id=patient.id)
    return Recipient(patient_id=patient.id, role=role, phone=patient.phone, openid=openid, wecom_external_id=wecom)


def consenting_family(*, db_session: Session, patient_id: str) -> list[Patient]:
    """Family members the patient allowed to follow their plans (active link with the `plans` scope)."""
    links = db_session.scalars(select(FamilyLink).where(FamilyLink.patient_id == patient_id, FamilyLink.revoked_at.is_(None)))
    members = []
    for link in links:
        if "plans" not in link.scopes or (link.needs_patient_confirmation and link.confirmed_at is None):
            continue
        member = db_session.get(Patient, link.member_id)
        if member is not None:
            members.append(member)
    return members


class Worker:
    """Processes occurrences with one session, clock, policy and the app settings."""

    def __init__(self, *, db_session: Session, settings: Any, now: datetime) -> None:
        self.db = db_session
        self.settings = settings
        self.clock = Clock.from_settings(settings)
        self.policy = Policy.from_settings(settings)
        self.now = now

    # -- messages ------------------------------------------------------------------------------------------
    def _message(self, occ: Occurrence, patient: Patient, action: str, *, for_family: bool = False) -> Message:
        local_due = self.clock.local(occ.due_at)
        name = texts.salutation(patient, year=local_due.year)
        alert = occ.kind.startswith("vitals_")
        if for_family:
            text = occ.family_content or texts.family_escalation(patient_name=name, title=occ.title, local_due=local_due)
        else:
            text = texts.re_remind(occ.content) if action == "remind" and occ.step > 0 else occ.content
        s = self.settings
        if alert:
            sms_template, sms_params = s.sms_template_alert, {"name": name, "detail": text}
            tts_params = {"name": name, "detail": text}
        else:
            sms_template = s.sms_template_family if for_family else s.sms_template_reminder
            sms_params = {"name": name, "time": f"{local_due:%H:%M}", "item": occ.title}
            tts_params = {"name": name, "item": occ.title}
        return Message(
            title=occ.title, text=text, time_text=texts.time_text(local_due), page=f"pages/reminders/detail?id={occ.id}",
            wechat_template=s.wechat_alert_template_id if alert else s.wechat_reminder_template_id,
            sms_template=sms_template, sms_params=sms_params,
            tts_code=s.voice_tts_alert if alert else s.voice_tts_reminder, tts_params=tts_params,
        )

    # -- steps ---------------------------------------------------------------------------------------------
    def _send_to(
        self, occ: Occurrence, action: str, person: Patient, role: str, channels: list[str], message: Message,
    ) -> Outcome:
        who = recipient(db_session=self.db, patient=person, role=role, wechat_appid=self.settings.wechat_appid,
                        channels=channels)
        return messaging.deliver(db_session=self.db, occurrence_id=occ.id, patient_id=occ.patient_id, step=occ.step,
                                 action=action, recipient=who, message=message, channels=channels, now=self.now,
                                 policy=self.policy)

    def _run_step(self, occ: Occurrence, patient: Patient) -> Outcome:
        action = "remind" if occ.step == 0 else occ.steps[occ.step - 1]["action"]
        if action in ("remind", "sms", "voice"):
            channels = occ.channels if action == "remind" else ACTION_CHANNELS[action]
            return self._send_to(occ, action, patient, "patient", channels, self._message(occ, patient, action))
        if action == "family":
            channels = FAMILY_EMERGENCY_CHANNELS if occ.emergency else FAMILY_CHANNELS
            outcomes = [self._send_to(occ, action, member, "family", channels,
                                      self._message(occ, patient, action, for_family=True))
                        for member in consenting_family(db_session=self.db, patient_id=patient.id)]
            return _merge(outcomes)
        self._staff_task(occ, patient, texts.escalation_task_title(occ.title), f"{occ.id}:{occ.step}")
        return Outcome(Status.DELIVERED)

    def _staff_task(self, occ: Occurrence, patient: Patient, title: str, ref: str) -> None:
        if self.db.scalar(select(StaffTask.id).where(StaffTask.source_ref == ref)) is None:
            console_service.open_task(
                db_session=self.db, patient=patient, kind="escalation", priority="urgent" if occ.emergency else "high",
                title=title, source_ref=ref,
                detail={"occurrence_id": occ.id, "reminder": occ.title, "due_at": occ.due_at.isoformat()})
        self.db.commit()

    def _advance(self, occ: Occurrence, **values: Any) -> bool:
        """Writes the occurrence's progress unless it was acknowledged or cancelled meanwhile."""
        result = self.db.execute(update(Occurrence).where(Occurrence.id == occ.id, Occurrence.state.in_(("pending", "sent")))
                                 .values(**values).execution_options(synchronize_session=False))
        self.db.commit()
        self.db.refresh(occ)
        return bool(result.rowcount)

    # -- the whole thing -----------------------------------------------------------------------------------
    def process(self, occurrence_id: str) -> str:
        """Runs every step of the occurrence that is due now; returns what happened (for logs and tests)."""
        occ = self.db.get(Occurrence, occurrence_id)
        if occ is None:
            return "gone"
        if occ.state not in ("pending", "sent") or occ.next_action_at is None or occ.next_action_at > self.now:
            if occ.queued_at is not None:
                self._advance(occ, queued_at=None)
            return "not_due"
        plan = self.db.get(Plan, occ.plan_id) if occ.plan_id else None
        if plan is not None and plan.status != "active":
            self._advance(occ, state="cancelled", next_action_at=None, queued_at=None)
            return "plan_inactive"
        patient = self.db.get(Patient, occ.patient_id)
        assert patient is not None
        while True:
            outcome = self._run_step(occ, patient)
            if outcome.status is Status.BUSY:
                return "busy"  # the lease stays; whoever holds the step finishes it, or the reconciler
            if outcome.status is Status.RETRY:
                self._advance(occ, next_action_at=outcome.retry_at, queued_at=None)
                return "retry"
            if occ.step == 0 and outcome.status is Status.EXHAUSTED and not occ.steps:
                self._staff_task(occ, patient, texts.no_delivery_task_title(occ.title), f"{occ.id}:undeliverable")
            state = "sent"
            next_step = occ.step + 1
            if next_step > len(occ.steps):
                done_state = "unacknowledged" if occ.steps else state
                self._advance(occ, state=done_state, step=next_step, next_action_at=None, queued_at=None)
                return "done"
            at = self.now + timedelta(minutes=int(occ.steps[next_step - 1]["after_minutes"]))
            if not occ.emergency:
                at = self.clock.after_quiet_hours(at)
            if not self._advance(occ, state=state, step=next_step, next_action_at=at,
                                 queued_at=occ.queued_at if at <= self.now else None):
                return "stopped"  # acknowledged or cancelled while we worked
            if at > self.now:
                return "waiting"


def _merge(outcomes: list[Outcome]) -> Outcome:
    if any(o.status is Status.BUSY for o in outcomes):
        return Outcome(Status.BUSY)
    retries = [o.retry_at for o in outcomes if o.status is Status.RETRY and o.retry_at is not None]
    if retries:
        return Outcome(Status.RETRY, retry_at=min(retries))
    if outcomes and all(o.status is Status.EXHAUSTED for o in outcomes):
        return Outcome(Status.EXHAUSTED)
    return Outcome(Status.DELIVERED)
