"""The hospital-editable FAQ knowledge base the bot answers from."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import FaqEntry

# First answers for a new hospital; admins replace them with their own (PUT /api/v1/staff/faq/<topic>).
STARTER_ENTRIES: dict[str, tuple[str, str]] = {
    "hours": ("门诊几点开门？", "门诊时间：周一到周五 上午 8:00-12:00，下午 13:30-17:00；周六上午 8:00-12:00。急诊 24 小时开放。"),
    "location": ("医院在哪里？怎么走？", "医院地址请在小程序首页点「来院导航」查看，可以直接打开地图导航。"),
    "insurance": ("能用医保吗？", "本院是医保定点医院，看病时带上医保卡或在小程序里出示医保电子凭证就能结算。异地医保请先在参保地办好备案。"),
    "visiting": ("探视时间是什么时候？", "住院部探视时间：每天 15:00-19:00。每位病人每次最多 2 位家属，请戴好口罩。"),
    "parking": ("医院能停车吗？", "医院地下停车场从东门进入，前 30 分钟免费，之后每小时 5 元。车位紧张，建议尽量坐公交或地铁。"),
    "reports": ("报告在哪里拿？多久出来？",
                "抽血化验一般当天出结果，影像检查 1-2 个工作日。出来后在小程序「我的报告」里就能看到，也可以到门诊一楼自助机打印。"),
}


def all_entries(*, db_session: Session) -> list[FaqEntry]:
    return list(db_session.scalars(select(FaqEntry).order_by(FaqEntry.topic)))


def get_answer(*, db_session: Session, topic: str) -> str | None:
    entry = db_session.scalar(select(FaqEntry).where(FaqEntry.topic == topic))
    return entry.answer if entry else None


def upsert(*, db_session: Session, topic: str, question: str, answer: str, updated_by: str | None) -> FaqEntry:
    entry = db_session.scalar(select(FaqEntry).where(FaqEntry.topic == topic))
    if entry is None:
        entry = FaqEntry(topic=topic, question=question, answer=answer, updated_by=updated_by)
        db_session.add(entry)
    else:
        entry.question, entry.answer, entry.updated_by = question, answer, updated_by
    db_session.flush()
    return entry


def seed_starter_entries(*, db_session: Session) -> int:
    """Adds the starter answers a hospital has not written yet; never overwrites theirs."""
    existing = {e.topic for e in all_entries(db_session=db_session)}
    for topic, (question, answer) in STARTER_ENTRIES.items():
        if topic not in existing:
            upsert(db_session=db_session, topic=topic, question=question, answer=answer, updated_by="seed")
    return len(STARTER_ENTRIES) - len(existing & STARTER_ENTRIES.keys())
