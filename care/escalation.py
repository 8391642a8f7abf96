"""Working one due occurrence: the reminder, then each escalation step until it is acknowledged.

Step 0 is the reminder through the node's channel order; step n runs `steps[n-1]` (remind | sms | voice |
family | staff) `after_minutes` after the previous one, unless the reminder was acknowledged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from care import texts
from care.cohorts import EDUCATION
from care.models import CLOSED_STATES, OPEN_STATES, Occurrence, Plan
from care.schedule import Clock
from console import service as console_service
from console.models import StaffTask
from identity.models import OA_PLATFORM, FamilyLink, Patient, PlatformIdentity
from messaging import service as messaging
from messaging.channels import Message, Recipient
from messaging.models import OptOut
from messaging.service import Outcome, Policy, Send, Status

FAMILY_CHANNELS = ["wechat_subscribe", "sms"]
FAMILY_EMERGENCY_CHANNELS = ["sms", "wechat_subscribe"]
ACTION_CHANNELS = {"sms": ["sms"], "voice": ["voice"]}


class AddressBook:
    """Where each patient can be reached, looked up once for a whole batch (WeChat openid, WeCom contact)."""

    def __init__(self, *, db_session: Session, wechat_appid: str, oa_appid: str = "") -> None:
        self.db = db_session
        self.wechat_appid = wechat_appid
        self.oa_appid = oa_appid
        self.openids: dict[str, str] = {}
        self.oa_openids: dict[str, str] = {}
        self.wecom: dict[str, str] = {}
        self._known: set[str] = set()

    def load(self, patient_ids: Iterable[str]) -> None:
        ids = [i for i in set(patient_ids) if i not in self._known]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            logins = self.db.execute(select(PlatformIdentity.patient_id, PlatformIdentity.subject,
                                            PlatformIdentity.last_login_at).where(
                PlatformIdentity.patient_id.in_(chunk), PlatformIdentity.platform == "wechat",
                PlatformIdentity.app_id == self.wechat_appid)).all()
            for row in sorted(logins, key=lambda r: r.last_login_at or datetime.min.replace(tzinfo=UTC)):
                self.openids[row.patient_id] = row.subject  # the latest login wins
            if self.oa_appid:
                self.oa_openids.update(self.db.execute(select(PlatformIdentity.patient_id, PlatformIdentity.subject).where(
                    PlatformIdentity.patient_id.in_(chunk), PlatformIdentity.platform == OA_PLATFORM,
                    PlatformIdentity.app_id == self.oa_appid)).all())
            self.wecom.update(messaging.addresses(db_session=self.db, patient_ids=chunk, channel="wecom"))
        self._known.update(ids)

    def recipient(self, patient: Patient, role: str) -> Recipient:
        self.load([patient.id])
        return Recipient(patient_id=patient.id, role=role, phone=patient.phone, openid=self.openids.get(patient.id),
                         oa_openid=self.oa_openids.get(patient.id), wecom_external_id=self.wecom.get(patient.id))


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
        self.book = AddressBook(db_session=db_session, wechat_appid=settings.wechat_appid,
                                oa_appid=settings.wechat_oa_appid)

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
            oa_template=s.wechat_oa_template_id, mini_program_appid=s.wechat_appid,
            sms_template=sms_template, sms_params=sms_params,
            tts_code=s.voice_tts_alert if alert else s.voice_tts_reminder, tts_params=tts_params,
        )

    # -- steps ---------------------------------------------------------------------------------------------
    def _sends(self, occ: Occurrence, patient: Patient) -> list[Send] | None:
        """What the occurrence's current step sends, or None for a step that sends nothing (the staff task)."""
        action = "remind" if occ.step == 0 else occ.steps[occ.step - 1]["action"]
        if action in ("remind", "sms", "voice"):
            channels = occ.channels if action == "remind" else ACTION_CHANNELS[action]
            return [self._send(occ, action, self.book.recipient(patient, "patient"), channels,
                               self._message(occ, patient, action))]
        if action == "family":
            channels = FAMILY_EMERGENCY_CHANNELS if occ.emergency else FAMILY_CHANNELS
            message = self._message(occ, patient, action, for_family=True)
            return [self._send(occ, action, self.book.recipient(member, "family"), channels, message)
                    for member in consenting_family(db_session=self.db, patient_id=patient.id)]
        self._staff_task(occ, patient, texts.escalation_task_title(occ.title), f"{occ.id}:{occ.step}")
        return None

    def _send(self, occ: Occurrence, action: str, who: Recipient, channels: list[str], message: Message) -> Send:
        return Send(occurrence_id=occ.id, patient_id=occ.patient_id, step=occ.step, action=action, recipient=who,
                    message=message, channels=channels)

    def _staff_task(self, occ: Occurrence, patient: Patient, title: str, ref: str) -> None:
        if self.db.scalar(select(StaffTask.id).where(StaffTask.source_ref == ref)) is None:
            console_service.open_task(
                db_session=self.db, patient=patient, kind="escalation", priority="urgent" if occ.emergency else "high",
                title=title, source_ref=ref,
                detail={"occurrence_id": occ.id, "reminder": occ.title, "due_at": occ.due_at.isoformat()})
        self.db.commit()

    def _advance_all(self, changes: list[tuple[Occurrence, dict[str, Any]]]) -> set[str]:
        """Writes each occurrence's progress unless it was acknowledged or cancelled meanwhile; commits.

        Occurrences with the same new values share one UPDATE; returns the ids that were written.
        """
        groups: dict[tuple[tuple[str, Any], ...], list[Occurrence]] = {}
        for occ, values in changes:
            groups.setdefault(tuple(sorted(values.items())), []).append(occ)
        written: set[str] = set()
        for items, occs in groups.items():
            values = dict(items)
            for start in range(0, len(occs), 500):
                chunk = occs[start:start + 500]
                ids = set(self.db.scalars(
                    update(Occurrence).where(Occurrence.id.in_([o.id for o in chunk]),
                                             Occurrence.state.not_in(CLOSED_STATES))
                    .values(**values).returning(Occurrence.id).execution_options(synchronize_session=False)))
                for occ in chunk:
                    if occ.id in ids:
                        for key, value in values.items():
                            set_committed_value(occ, key, value)
                written |= ids
        self.db.commit()
        return written

    # -- the whole thing -----------------------------------------------------------------------------------
    def process(self, occurrence_id: str) -> str:
        """Runs every step of the occurrence that is due now; returns what happened (for logs and tests)."""
        return self.process_many([occurrence_id])[occurrence_id]

    def process_many(self, occurrence_ids: list[str]) -> dict[str, str]:
        """`process` for a batch: the same decisions, with the lookups, inserts and updates done in bulk
        and the remote calls made concurrently."""
        occs = {o.id: o for o in self.db.scalars(select(Occurrence).where(Occurrence.id.in_(occurrence_ids)))}
        results = {i: "gone" for i in occurrence_ids if i not in occs}
        plan_ids = {o.plan_id for o in occs.values() if o.plan_id}
        plans = {p.id: p for p in self.db.scalars(select(Plan).where(Plan.id.in_(plan_ids)))} if plan_ids else {}
        pushed_to = {o.patient_id for o in occs.values() if o.kind == EDUCATION}
        opted_out = set(self.db.scalars(select(OptOut.patient_id).where(
            OptOut.patient_id.in_(pushed_to), OptOut.category == EDUCATION))) if pushed_to else set()
        active: list[Occurrence] = []
        settle: list[tuple[Occurrence, dict[str, Any]]] = []
        for occ in occs.values():
            plan = plans.get(occ.plan_id) if occ.plan_id else None
            if occ.state not in OPEN_STATES or occ.next_action_at is None or occ.next_action_at > self.now:
                results[occ.id] = "not_due"
                if occ.queued_at is not None:
                    settle.append((occ, {"queued_at": None}))
            elif plan is not None and plan.status != "active":
                results[occ.id] = "plan_inactive"
                settle.append((occ, {"state": "cancelled", "next_action_at": None, "queued_at": None}))
            elif occ.kind == EDUCATION and occ.patient_id in opted_out:  # said no after the push was queued
                results[occ.id] = "opted_out"
                settle.append((occ, {"state": "cancelled", "next_action_at": None, "queued_at": None}))
            else:
                active.append(occ)
        self._advance_all(settle)
        patients = {p.id: p for p in self.db.scalars(select(Patient).where(
            Patient.id.in_({o.patient_id for o in active})))} if active else {}
        self.book.load(patients)
        while active:
            active = self._run_round(active, patients, results)
        return results

    def _run_round(self, active: list[Occurrence], patients: dict[str, Patient], results: dict[str, str]) -> list[Occurrence]:
        """Runs the current step of every active occurrence; returns those whose next step is due now."""
        sends = {occ.id: self._sends(occ, patients[occ.patient_id]) for occ in active}
        outcomes = messaging.deliver_all(db_session=self.db, sends=[s for group in sends.values() for s in group or []],
                                         now=self.now, policy=self.policy)
        changes: list[tuple[Occurrence, dict[str, Any]]] = []
        due_now: set[str] = set()
        for occ in active:
            group = sends[occ.id]
            outcome = Outcome(Status.DELIVERED) if group is None else _merge([outcomes[s.key] for s in group])
            if outcome.status is Status.BUSY:
                results[occ.id] = "busy"  # the lease stays; whoever holds the step finishes it, or the reconciler
                continue
            if outcome.status is Status.RETRY:
                results[occ.id] = "retry"
                changes.append((occ, {"next_action_at": outcome.retry_at, "queued_at": None}))
                continue
            if occ.step == 0 and outcome.status is Status.EXHAUSTED and not occ.steps:
                self._staff_task(occ, patients[occ.patient_id], texts.no_delivery_task_title(occ.title),
                                 f"{occ.id}:undeliverable")
            next_step = occ.step + 1
            if next_step > len(occ.steps):
                results[occ.id] = "done"
                changes.append((occ, {"state": "unacknowledged" if occ.steps else "sent", "step": next_step,
                                      "next_action_at": None, "queued_at": None}))
                continue
            at = self.now + timedelta(minutes=int(occ.steps[next_step - 1]["after_minutes"]))
            if not occ.emergency:
                at = self.clock.after_quiet_hours(at)
            results[occ.id] = "waiting"
            if at <= self.now:
                due_now.add(occ.id)
            changes.append((occ, {"state": "sent", "step": next_step, "next_action_at": at,
                                  "queued_at": occ.queued_at if at <= self.now else None}))
        written = self._advance_all(changes)
        for occ, _values in changes:
            if occ.id not in written:
                results[occ.id] = "stopped"  # acknowledged or cancelled while we worked
        return [occ for occ in active if occ.id in due_now and occ.id in written]  # next step due now: next round


def _merge(outcomes: list[Outcome]) -> Outcome:
    """One outcome for a step sent to several recipients (the family step)."""
    if any(o.status is Status.BUSY for o in outcomes):
        return Outcome(Status.BUSY)
    retries = [o.retry_at for o in outcomes if o.status is Status.RETRY and o.retry_at is not None]
    if retries:
        return Outcome(Status.RETRY, retry_at=min(retries))
    if outcomes and all(o.status is Status.EXHAUSTED for o in outcomes):
        return Outcome(Status.EXHAUSTED)
    return Outcome(Status.DELIVERED)
