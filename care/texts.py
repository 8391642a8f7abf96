"""What patients and families read: warm, plain Chinese for elderly readers."""

from __future__ import annotations

from datetime import datetime

from identity.models import Patient

ELDER_AGE = 50


def salutation(patient: Patient, *, year: int) -> str:
    """王阿姨 / 李叔叔 for older patients whose name and gender we know; the name, or 您好, otherwise."""
    name = (patient.name or "").strip()
    if not name:
        return "您好"
    if patient.birth_year and year - patient.birth_year >= ELDER_AGE and patient.gender in ("男", "女"):
        return name[0] + ("叔叔" if patient.gender == "男" else "阿姨")
    return name


class _Vars(dict[str, str]):
    def __missing__(self, key: str) -> str:  # unknown placeholders stay as written
        return "{" + key + "}"


def render(content: str, *, name: str, local_due: datetime) -> str:
    """Fills {name} and {time}; a template without {name} still greets the patient."""
    text = content.format_map(_Vars(name=name, time=local_due.strftime("%H:%M")))
    if "{name}" not in content and not text.startswith(name):
        text = f"{name}，{text}"
    return text


def time_text(local: datetime) -> str:
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def re_remind(text: str) -> str:
    return f"再提醒一下：{text}"


def family_escalation(*, patient_name: str, title: str, local_due: datetime) -> str:
    return (f"您好，您的家人{patient_name}{time_text(local_due)}的“{title}”还没有确认。"
            f"麻烦您提醒一下，或者打个电话问问。")


def no_delivery_task_title(title: str) -> str:
    return f"提醒发送失败：{title}（所有渠道都没有送达）"


def escalation_task_title(title: str) -> str:
    return f"提醒未确认：{title}（已提醒本人和家属）"


# Vitals alerts ---------------------------------------------------------------------------------------------

ADVICE = {
    ("blood_pressure", "high", "mild"): "请坐下放松休息十几分钟后再量一次，按时吃药，饭菜少放盐。",
    ("blood_pressure", "low", "mild"): "起身时请慢一点，多喝点水，休息后再量一次。",
    ("glucose", "high", "mild"): "请注意饮食，少吃甜的和主食，按时用药，过两小时再测一次。",
    ("glucose", "low", "mild"): "请马上吃几块糖或喝半杯果汁，十五分钟后再测一次。",
}
DEFAULT_ADVICE = "请休息一会儿再测一次，如果一直不正常，请联系您的健康管理师。"


def vitals_tip(*, name: str, reading: str, direction: str, kind: str) -> str:
    word = "偏高" if direction == "high" else "偏低"
    return f"{name}，您刚测的{reading} 有点{word}。{ADVICE.get((kind, direction, 'mild'), DEFAULT_ADVICE)}"


def vitals_emergency(*, name: str, reading: str, direction: str, kind: str) -> str:
    word = "偏高很多" if direction == "high" else "偏低很多"
    first_aid = "请马上吃几块糖或喝果汁，" if (kind, direction) == ("glucose", "low") else "请先坐下休息、不要走动，"
    return (f"{name}，您刚测的{reading} {word}。{first_aid}马上告诉家人。"
            f"如果胸痛、头痛得厉害、说话不清或手脚没力气，请立即拨打120。医生也会尽快给您打电话。")


def vitals_emergency_family(*, patient_name: str, reading: str, direction: str) -> str:
    word = "偏高很多" if direction == "high" else "偏低很多"
    return (f"【紧急】您的家人{patient_name}刚测的{reading} {word}，请马上联系TA。"
            f"如果TA胸痛、头痛得厉害、说话不清，请立即拨打120。")
