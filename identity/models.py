"""Identity tables. Identifiers (phone, ID number, card number) are encrypted, with keyed hashes for lookup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.crypto import Encrypted
from core.db import Base, new_id, utcnow


class Hospital(Base):
    __tablename__ = "hospital"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("hos"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(Base):
    """A health-management team; a health manager sees the patients assigned to their team."""

    __tablename__ = "team"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("team"))
    hospital_id: Mapped[str] = mapped_column(ForeignKey("hospital.id"))
    name: Mapped[str] = mapped_column(String(100))


class Patient(Base):
    __tablename__ = "patient"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("pat"))
    name: Mapped[str | None] = mapped_column(Encrypted())
    phone: Mapped[str] = mapped_column(Encrypted())
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number: Mapped[str | None] = mapped_column(Encrypted())
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    card_no: Mapped[str | None] = mapped_column(Encrypted())
    card_no_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(8))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("team.id"), index=True)
    # Registered by a family member on an elderly relative's behalf, until they confirm themselves.
    registered_by_id: Mapped[str | None] = mapped_column(ForeignKey("patient.id"))
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


OA_PLATFORM = "wechat_oa"  # a follower of the hospital's official account, linked by union id


class PlatformIdentity(Base):
    """A login identity on one platform (WeChat mini-program openid, Alipay open_id, kiosk)."""

    __tablename__ = "platform_identity"
    __table_args__ = (UniqueConstraint("platform", "app_id", "subject", name="uq_platform_identity_subject"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("idn"))
    platform: Mapped[str] = mapped_column(String(16))  # wechat | alipay | kiosk | wechat_oa
    app_id: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))  # openid / Alipay open_id (or user_id on old apps)
    union_id: Mapped[str | None] = mapped_column(String(128), index=True)
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patient.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("stf"))
    hospital_id: Mapped[str] = mapped_column(ForeignKey("hospital.id"))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("team.id"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))  # admin | health_manager | doctor
    wecom_userid: Mapped[str | None] = mapped_column(String(64))  # the hospital's WeCom account: task notices go there
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TokenFamily(Base):
    """One login session; every refresh token it rotates through shares it, so reuse kills them all."""

    __tablename__ = "token_family"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("tkf"))
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patient.id"), index=True)
    identity_id: Mapped[str | None] = mapped_column(ForeignKey("platform_identity.id"), index=True)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RefreshToken(Base):
    __tablename__ = "refresh_token"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("rtk"))
    family_id: Mapped[str] = mapped_column(ForeignKey("token_family.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class FamilyInvitation(Base):
    __tablename__ = "family_invitation"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("inv"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]


class FamilyLink(Base):
    """A family member (also a patient account) may see the patient's data within `scopes`."""

    __tablename__ = "family_link"
    __table_args__ = (Index("ix_family_link_member_active", "member_id", "revoked_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("fam"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    relation: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the family member registered the patient; the patient confirms on first login.
    needs_patient_confirmation: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(40))


class Consent(Base):
    """What the patient agreed to, when, through which channel; withdrawal is a timestamp, never a delete."""

    __tablename__ = "consent"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("cns"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # privacy_policy | family_access
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    grantee_id: Mapped[str | None] = mapped_column(String(40))
    family_link_id: Mapped[str | None] = mapped_column(ForeignKey("family_link.id"))
    version: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))  # wechat | alipay | kiosk | proxy
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class AuditLog(Base):
    """Who read or changed which patient record, when, from where."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_patient_at", "patient_id", "at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("aud"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(16))  # patient | family | staff | system
    actor_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(32))  # read | create | update | delete | login
    resource: Mapped[str] = mapped_column(String(64))  # a kind, or a kind and its subject (push:<tag>)
    resource_id: Mapped[str | None] = mapped_column(String(40))
    patient_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    request_id: Mapped[str | None] = mapped_column(String(64))
