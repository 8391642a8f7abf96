"""Patients and their platform identities: a new identity joins a patient only by a verified phone."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core import crypto
from core.db import utcnow
from core.errors import ApiError
from identity.models import OA_PLATFORM, Consent, FamilyLink, Patient, PlatformIdentity


def phone_hash(phone: str) -> str:
    return crypto.cipher().lookup_hash("phone", phone)


def get(*, db_session: Session, patient_id: str | None) -> Patient | None:
    return db_session.get(Patient, patient_id) if patient_id else None


def get_identity(*, db_session: Session, identity_id: str | None) -> PlatformIdentity | None:
    return db_session.get(PlatformIdentity, identity_id) if identity_id else None


def get_by_phone(*, db_session: Session, phone: str) -> Patient | None:
    return db_session.scalar(select(Patient).where(Patient.phone_hash == phone_hash(phone)))


def get_by_document(*, db_session: Session, id_number: str | None = None, card_no: str | None = None) -> Patient | None:
    if id_number:
        return db_session.scalar(
            select(Patient).where(Patient.id_number_hash == crypto.cipher().lookup_hash("id_number", id_number))
        )
    if card_no:
        return db_session.scalar(select(Patient).where(Patient.card_no_hash == crypto.cipher().lookup_hash("card_no", card_no)))
    return None


def create(
    *,
    db_session: Session,
    phone: str,
    channel: str,
    policy_version: str,
    name: str | None = None,
    id_number: str | None = None,
    registered_by_id: str | None = None,
) -> Patient:
    """A new patient record, with the privacy-policy consent the login screen asked for."""
    cipher = crypto.cipher()
    patient = Patient(
        phone=phone,
        phone_hash=phone_hash(phone),
        name=name,
        id_number=id_number,
        id_number_hash=cipher.lookup_hash("id_number", id_number) if id_number else None,
        registered_by_id=registered_by_id,
        confirmed_at=None if registered_by_id else utcnow(),
    )
    if id_number:
        patient.birth_year = int(id_number[6:10])
        patient.gender = "男" if int(id_number[16]) % 2 else "女"
    db_session.add(patient)
    db_session.flush()
    if registered_by_id is None:
        record_policy_consent(db_session=db_session, patient=patient, channel=channel, policy_version=policy_version)
    return patient


def record_policy_consent(*, db_session: Session, patient: Patient, channel: str, policy_version: str) -> None:
    db_session.add(Consent(patient_id=patient.id, purpose="privacy_policy", version=policy_version, channel=channel))


def upsert_identity(
    *, db_session: Session, platform: str, app_id: str, subject: str, union_id: str | None
) -> PlatformIdentity:
    """Finds or creates the platform identity. A platform-verified union id (same person across
    one vendor's apps) links to that person's patient; nothing the client says ever does."""
    identity = db_session.scalar(
        select(PlatformIdentity).where(
            PlatformIdentity.platform == platform, PlatformIdentity.app_id == app_id, PlatformIdentity.subject == subject
        )
    )
    if identity is None:
        identity = PlatformIdentity(platform=platform, app_id=app_id, subject=subject)
        db_session.add(identity)
    identity.last_login_at = utcnow()
    if union_id:
        identity.union_id = union_id
        if identity.patient_id is None:
            identity.patient_id = db_session.scalar(
                select(PlatformIdentity.patient_id).where(
                    PlatformIdentity.platform.in_(same_vendor(platform)),
                    PlatformIdentity.union_id == union_id,
                    PlatformIdentity.patient_id.is_not(None),
                ).limit(1)
            )
    db_session.flush()
    return identity


def link_verified_phone(
    *, db_session: Session, identity: PlatformIdentity, phone: str, policy_version: str
) -> Patient:
    """Binds a phone the platform (or our SMS code) verified: same phone, same patient, on every platform."""
    patient = get_by_phone(db_session=db_session, phone=phone)
    if identity.patient_id is not None:
        if patient is None or patient.id != identity.patient_id:
            raise ApiError(409, "phone_mismatch", "这个账号已经绑定了其他手机号。如需更换手机号，请联系医院工作人员。")
        return patient
    if patient is None:
        patient = create(db_session=db_session, phone=phone, channel=identity.platform, policy_version=policy_version)
    identity.patient_id = patient.id
    if identity.union_id:  # the same WeChat user's other apps seen before the phone was (e.g. the official account)
        db_session.execute(update(PlatformIdentity).where(
            PlatformIdentity.union_id == identity.union_id, PlatformIdentity.platform.in_(same_vendor(identity.platform)),
            PlatformIdentity.patient_id.is_(None)).values(patient_id=patient.id).execution_options(synchronize_session=False))
    db_session.flush()
    return patient


def same_vendor(platform: str) -> tuple[str, ...]:
    """Platforms whose union ids name the same person (WeChat's mini-program and official account)."""
    return ("wechat", OA_PLATFORM) if platform in ("wechat", OA_PLATFORM) else (platform,)


def follow_official_account(*, db_session: Session, app_id: str, openid: str, union_id: str | None) -> PlatformIdentity:
    """A user followed the official account: their identity there, linked by union id to the patient of the
    same WeChat user, now or when that user verifies a phone in the mini-program. Never by anything else."""
    return upsert_identity(db_session=db_session, platform=OA_PLATFORM, app_id=app_id, subject=openid, union_id=union_id)


def unfollow_official_account(*, db_session: Session, app_id: str, openid: str) -> None:
    """Unfollowed: we keep nothing of them there (they can no longer be messaged on it anyway)."""
    db_session.execute(delete(PlatformIdentity).where(
        PlatformIdentity.platform == OA_PLATFORM, PlatformIdentity.app_id == app_id, PlatformIdentity.subject == openid))


def login_kiosk(
    *,
    db_session: Session,
    phone: str,
    policy_version: str,
    id_number: str | None,
    card_no: str | None,
) -> Patient:
    """Kiosk: the SMS code proved the phone; the ID or medical card must not belong to someone else."""
    cipher = crypto.cipher()
    by_phone = get_by_phone(db_session=db_session, phone=phone)
    by_document = get_by_document(db_session=db_session, id_number=id_number, card_no=card_no)
    if by_document is not None and (by_phone is None or by_phone.id != by_document.id):
        raise ApiError(409, "identity_mismatch", "证件信息和手机号对不上，请到服务台请工作人员帮您核对。")
    patient = by_phone or create(
        db_session=db_session, phone=phone, channel="kiosk", policy_version=policy_version, id_number=id_number
    )
    if id_number and patient.id_number_hash is None:
        patient.id_number, patient.id_number_hash = id_number, cipher.lookup_hash("id_number", id_number)
    elif id_number and patient.id_number_hash != cipher.lookup_hash("id_number", id_number):
        raise ApiError(409, "identity_mismatch", "证件信息和手机号对不上，请到服务台请工作人员帮您核对。")
    if card_no and patient.card_no_hash is None:
        patient.card_no, patient.card_no_hash = card_no, cipher.lookup_hash("card_no", card_no)
    db_session.flush()
    return patient


def identities_of(*, db_session: Session, patient_id: str) -> list[PlatformIdentity]:
    return list(db_session.scalars(select(PlatformIdentity).where(PlatformIdentity.patient_id == patient_id)))


def pending_confirmations(*, db_session: Session, patient_id: str) -> list[FamilyLink]:
    """Links a family member made when registering this patient, awaiting the patient's own yes."""
    return list(
        db_session.scalars(
            select(FamilyLink).where(
                FamilyLink.patient_id == patient_id,
                FamilyLink.needs_patient_confirmation.is_(True),
                FamilyLink.confirmed_at.is_(None),
                FamilyLink.revoked_at.is_(None),
            )
        )
    )
