"""Plan templates, plans and their occurrences: assign, re-plan, pause, cancel, top up, acknowledge."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, insert, select, update
from sqlalchemy.orm import Session

from care import texts
from care.models import OPEN_STATES, Occurrence, Plan, PlanTemplate, SurveyAnswer
from care.plan_schemas import NodeSpec, TemplateIn
from care.schedule import Clock, slots
from core.db import new_id
from core.errors import ApiError
from identity.models import Patient
from messaging.models import Delivery

ACK_EARLY = timedelta(hours=2)  # a patient may confirm a dose this long before it is due
LATEST_WINDOW = timedelta(hours=12)  # "药吃过了" in chat confirms a dose due at most this long ago


def _nodes(raw: list[dict[str, Any]]) -> list[NodeSpec]:
    return [NodeSpec.model_validate(n, strict=False) for n in raw]  # stored as validated JSON: lax parse back


# Templates -------------------------------------------------------------------------------------------------

def create_template(*, db_session: Session, hospital_id: str | None, template_in: TemplateIn, created_by: str) -> PlanTemplate:
    """A new template, usable at once."""
    template = PlanTemplate(hospital_id=hospital_id, name=template_in.name, condition=template_in.condition,
                            nodes=[n.model_dump(mode="json") for n in template_in.nodes], created_by=created_by)
    db_session.add(template)
    db_session.flush()
    return template


def update_template(*, db_session: Session, template: PlanTemplate, template_in: TemplateIn, now: datetime) -> PlanTemplate:
    """Edits a template; plans already assigned keep their own copy of the nodes."""
    template.name, template.condition = template_in.name, template_in.condition
    template.nodes = [n.model_dump(mode="json") for n in template_in.nodes]
    template.version += 1
    template.updated_at = now
    return template


def get_template(*, db_session: Session, template_id: str, hospital_id: str | None) -> PlanTemplate | None:
    template = db_session.get(PlanTemplate, template_id)
    if template is None or (hospital_id is not None and template.hospital_id not in (None, hospital_id)):
        return None
    return template


def list_templates(*, db_session: Session, hospital_id: str | None) -> list[PlanTemplate]:
    query = select(PlanTemplate).where(PlanTemplate.active.is_(True))
    if hospital_id is not None:
        query = query.where((PlanTemplate.hospital_id == hospital_id) | PlanTemplate.hospital_id.is_(None))
    return list(db_session.scalars(query.order_by(PlanTemplate.name)))


# Plans and occurrences -------------------------------------------------------------------------------------

def assign(
    *, db_session: Session, patient: Patient, template: PlanTemplate, start_date: date | None, created_by: str,
    clock: Clock, now: datetime, horizon_days: int,
) -> Plan:
    """Gives the patient a plan from the template and plans its occurrences up to the horizon."""
    plan = Plan(patient_id=patient.id, template_id=template.id, name=template.name, status="active",
                nodes=list(template.nodes), start_date=start_date or clock.today(now), materialised_until=now,
                created_by=created_by, created_at=now, updated_at=now)
    db_session.add(plan)
    db_session.flush()
    materialise(db_session=db_session, plan=plan, patient=patient, clock=clock, until=now + timedelta(days=horizon_days),
                now=now, fresh=True)
    return plan


def materialise(
    *, db_session: Session, plan: Plan, patient: Patient, clock: Clock, until: datetime, now: datetime, fresh: bool = False,
) -> int:
    """Creates the occurrences of every slot from max(now, materialised_until) to `until`; returns how many."""
    window_from = max(now, plan.materialised_until) if not fresh else now
    if until <= window_from:
        return 0
    existing: set[str] = set()
    if not fresh:
        existing = set(db_session.scalars(select(Occurrence.slot_key).where(
            Occurrence.plan_id == plan.id, Occurrence.slot_at >= window_from, Occurrence.slot_at < until)))
    name = texts.salutation(patient, year=clock.today(now).year)
    new_rows: list[dict[str, Any]] = []
    for node in _nodes(plan.nodes):
        steps = [s.model_dump() for s in node.escalation]
        for slot in slots(clock, node, plan.start_date, window_from, until):
            key = f"{plan.id}:{node.key}:{slot:%Y%m%dT%H%MZ}"
            if key in existing:
                continue
            due = slot if node.emergency else clock.after_quiet_hours(slot)
            new_rows.append({
                "id": new_id("occ"), "patient_id": patient.id, "plan_id": plan.id, "node_key": node.key, "slot_key": key,
                "kind": node.kind, "title": node.title,
                "content": texts.render(node.content, name=name, local_due=clock.local(due)), "family_content": None,
                "slot_at": slot, "due_at": due, "channels": list(node.channels), "steps": steps,
                "emergency": node.emergency, "state": "pending", "step": 0, "next_action_at": due, "queued_at": None,
                "acknowledged_at": None, "acknowledged_by": None, "created_at": now,
            })
    if new_rows:
        db_session.execute(insert(Occurrence), new_rows)  # one executemany, not one ORM flush per row
    plan.materialised_until = until
    db_session.flush()
    return len(new_rows)


def _remove_future(*, db_session: Session, plan: Plan, now: datetime) -> None:
    """Future reminders not yet sent go; one already being worked on is cancelled, so its history stays."""
    future = and_(Occurrence.plan_id == plan.id, Occurrence.state == "pending", Occurrence.due_at > now)
    has_deliveries = exists().where(Delivery.occurrence_id == Occurrence.id)
    db_session.execute(delete(Occurrence).where(future, ~has_deliveries).execution_options(synchronize_session=False))
    db_session.execute(update(Occurrence).where(future).values(state="cancelled", next_action_at=None)
                       .execution_options(synchronize_session=False))


def _stop_open(*, db_session: Session, plan: Plan) -> None:
    """Reminders already sent stop escalating."""
    db_session.execute(update(Occurrence).where(Occurrence.plan_id == plan.id, Occurrence.state.in_(OPEN_STATES))
                       .values(state="cancelled", next_action_at=None).execution_options(synchronize_session=False))


def change_nodes(
    *, db_session: Session, plan: Plan, patient: Patient, nodes: list[NodeSpec], clock: Clock, now: datetime,
    horizon_days: int,
) -> Plan:
    """Changes what the plan does from now on; past and already-sent reminders stay as they were."""
    if plan.status == "cancelled":
        raise ApiError(409, "plan_cancelled", "这个计划已经取消了，不能再修改。")
    plan.nodes = [n.model_dump(mode="json") for n in nodes]
    plan.updated_at = now
    _remove_future(db_session=db_session, plan=plan, now=now)
    plan.materialised_until = now
    if plan.status == "active":
        materialise(db_session=db_session, plan=plan, patient=patient, clock=clock, until=now + timedelta(days=horizon_days),
                    now=now)
    return plan


def pause(*, db_session: Session, plan: Plan, now: datetime) -> Plan:
    if plan.status != "active":
        raise ApiError(409, "plan_not_active", "这个计划现在不在进行中。")
    plan.status, plan.updated_at = "paused", now
    _remove_future(db_session=db_session, plan=plan, now=now)
    _stop_open(db_session=db_session, plan=plan)
    return plan


def resume(*, db_session: Session, plan: Plan, patient: Patient, clock: Clock, now: datetime, horizon_days: int) -> Plan:
    """Continues from now on; what fell into the pause is not sent late."""
    if plan.status != "paused":
        raise ApiError(409, "plan_not_paused", "这个计划没有暂停。")
    plan.status, plan.updated_at, plan.materialised_until = "active", now, now
    materialise(db_session=db_session, plan=plan, patient=patient, clock=clock, until=now + timedelta(days=horizon_days),
                now=now)
    return plan


def cancel(*, db_session: Session, plan: Plan, now: datetime) -> Plan:
    if plan.status == "cancelled":
        return plan
    plan.status, plan.updated_at = "cancelled", now
    _remove_future(db_session=db_session, plan=plan, now=now)
    _stop_open(db_session=db_session, plan=plan)
    return plan


def top_up(*, db_session: Session, clock: Clock, now: datetime, horizon_days: int, limit: int = 1000) -> int:
    """Extends active plans whose materialised window ends within a day; returns plans extended."""
    until = now + timedelta(days=horizon_days)
    plans = list(db_session.scalars(select(Plan).where(
        Plan.status == "active", Plan.materialised_until < until - timedelta(days=1)).limit(limit)))
    for plan in plans:
        patient = db_session.get(Patient, plan.patient_id)
        if patient is not None:
            materialise(db_session=db_session, plan=plan, patient=patient, clock=clock, until=until, now=now)
    return len(plans)


def plans_of(*, db_session: Session, patient_id: str) -> list[Plan]:
    return list(db_session.scalars(select(Plan).where(Plan.patient_id == patient_id, Plan.status != "cancelled")
                                   .order_by(Plan.created_at)))


def reminders_of(*, db_session: Session, patient_id: str, now: datetime, days_ahead: int = 7, days_back: int = 2,
                 limit: int = 200) -> list[Occurrence]:
    """Recent and upcoming reminders, soonest first (what the mini-program's reminder list shows)."""
    query = select(Occurrence).where(
        Occurrence.patient_id == patient_id, Occurrence.state != "cancelled",
        Occurrence.due_at >= now - timedelta(days=days_back), Occurrence.due_at < now + timedelta(days=days_ahead))
    return list(db_session.scalars(query.order_by(Occurrence.due_at).limit(limit)))


def acknowledge_latest(*, db_session: Session, patient_id: str, kind: str, now: datetime) -> Occurrence | None:
    """"药吃过了" said without naming a reminder: confirms the latest one of that kind that is due (within the
    last 12 hours, or up to ACK_EARLY ahead) and not yet confirmed; None when there is none."""
    occurrence = db_session.scalar(select(Occurrence).where(
        Occurrence.patient_id == patient_id, Occurrence.kind == kind,
        Occurrence.state.in_((*OPEN_STATES, "unacknowledged")),
        Occurrence.due_at >= now - LATEST_WINDOW, Occurrence.due_at <= now + ACK_EARLY,
    ).order_by(Occurrence.due_at.desc()).limit(1))
    if occurrence is None:
        return None
    return acknowledge(db_session=db_session, occurrence=occurrence, by=patient_id, now=now)


def answer_survey(*, db_session: Session, occurrence: Occurrence, score: int, comment: str | None, channel: str, by: str,
                  now: datetime) -> SurveyAnswer:
    """Stores the answer (the first one counts: a survey is answered once) and confirms the reminder."""
    if occurrence.kind != "survey":
        raise ApiError(409, "not_a_survey", "这条提醒不是问卷，点“已完成”就好。")
    existing = db_session.scalar(select(SurveyAnswer).where(SurveyAnswer.occurrence_id == occurrence.id))
    if existing is not None:
        return existing
    acknowledge(db_session=db_session, occurrence=occurrence, by=by, now=now)
    answer = SurveyAnswer(occurrence_id=occurrence.id, patient_id=occurrence.patient_id, score=score, comment=comment,
                          channel=channel, answered_by=by, created_at=now)
    db_session.add(answer)
    db_session.flush()
    return answer


def acknowledge(*, db_session: Session, occurrence: Occurrence, by: str, now: datetime) -> Occurrence:
    """The patient (or family) confirms: escalation stops. Confirming twice is fine."""
    if occurrence.state == "acknowledged":
        return occurrence
    if occurrence.state == "cancelled":
        raise ApiError(409, "reminder_cancelled", "这个提醒已经取消了，不用再确认。")
    if occurrence.due_at > now + ACK_EARLY:
        raise ApiError(409, "reminder_not_due", "还没到这个提醒的时间，到时候再点确认就好。")
    db_session.execute(update(Occurrence).where(Occurrence.id == occurrence.id, Occurrence.state != "cancelled")
                       .values(state="acknowledged", acknowledged_at=now, acknowledged_by=by, next_action_at=None)
                       .execution_options(synchronize_session=False))
    db_session.refresh(occurrence)
    return occurrence
