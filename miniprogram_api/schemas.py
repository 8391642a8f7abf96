"""Request and response bodies of the mini-program API (the contract in API_CONTRACT.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from core.api import ApiModel

Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9]\d{9}$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Scope = Literal["vitals", "plans", "messages"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def valid_id_number(value: str) -> str:
    """Mainland resident ID (GB 11643): 17 digits + check character."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit():
        raise ValueError("not a valid resident ID number")
    if value[17] != ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True)) % 11]:
        raise ValueError("not a valid resident ID number")
    return value


IdNumber = Annotated[str, StringConstraints(min_length=18, max_length=18), AfterValidator(valid_id_number)]


class AlipayPhone(ApiModel):
    """What my.getPhoneNumber returns, passed through unchanged."""

    response: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    sign: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    sign_type: Literal["RSA2"] = "RSA2"
    encrypt_type: Literal["AES"] = "AES"
    charset: Literal["UTF-8", "utf-8"] = "UTF-8"


class WechatLogin(ApiModel):
    code: Code = Field(description="wx.login code")
    phone_code: Code | None = Field(None, description="getPhoneNumber code, to link or create the patient")


class AlipayLogin(ApiModel):
    auth_code: Code = Field(description="my.getAuthCode code")
    phone: AlipayPhone | None = Field(None, description="my.getPhoneNumber result")


class SmsSend(ApiModel):
    phone: Phone


class PhoneBind(ApiModel):
    """Exactly one proof: a WeChat phone code, an Alipay encrypted phone, or a phone + SMS code."""

    phone_code: Code | None = None
    phone: Phone | AlipayPhone | None = None
    sms_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None

    @model_validator(mode="after")
    def _one_proof(self) -> PhoneBind:
        forms = [self.phone_code is not None, isinstance(self.phone, AlipayPhone),
                 isinstance(self.phone, str) and self.sms_code is not None]
        if sum(forms) != 1 or (isinstance(self.phone, str) and self.sms_code is None):
            raise ValueError("give phone_code, or phone {response, sign}, or phone + sms_code")
        return self


class KioskLogin(ApiModel):
    card_no: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,32}$")] | None = None
    id_number: IdNumber | None = None
    phone: Phone
    sms_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]

    @model_validator(mode="after")
    def _one_document(self) -> KioskLogin:
        if (self.card_no is None) == (self.id_number is None):
            raise ValueError("give card_no or id_number")
        return self


class RefreshIn(ApiModel):
    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class PatientOut(BaseModel):
    id: str
    name: str | None = None
    phone: str = Field(description="masked, e.g. 138****5678")
    birth_year: int | None = None
    gender: str | None = None


class LoginOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    needs_phone: bool
    patient: PatientOut | None


class SmsSent(BaseModel):
    sent: bool
    expires_in: int


class LinkedPlatform(BaseModel):
    platform: str
    app_id: str
    linked_at: datetime


class PendingConfirmation(BaseModel):
    link_id: str
    member_id: str
    relation: str
    scopes: list[str]


class MeOut(PatientOut):
    platforms: list[LinkedPlatform]
    pending_family_confirmations: list[PendingConfirmation]


class InvitationIn(ApiModel):
    scopes: list[Scope] = Field(min_length=1, max_length=3)
    relation: Annotated[str, StringConstraints(min_length=1, max_length=16)] = Field(description="e.g. 子女, 配偶")


class InvitationOut(BaseModel):
    code: str
    expires_at: datetime
    scopes: list[str]
    qr_payload: str = Field(description="what the mini-program renders as a QR code")


class InvitationPath(BaseModel):
    code: Annotated[str, StringConstraints(min_length=4, max_length=16)]


class LinkPath(BaseModel):
    link_id: Annotated[str, StringConstraints(max_length=40)]


class PatientPath(BaseModel):
    patient_id: Annotated[str, StringConstraints(max_length=40)]


class AcceptOut(BaseModel):
    link_id: str
    patient_id: str
    scopes: list[str]


class LinkOut(BaseModel):
    link_id: str
    patient_id: str
    member_id: str
    my_role: Literal["patient", "family_member"]
    relation: str
    scopes: list[str]
    needs_patient_confirmation: bool
    confirmed_at: datetime | None
    created_at: datetime


class LinkList(BaseModel):
    items: list[LinkOut]


class ScopesIn(ApiModel):
    scopes: list[Scope] = Field(min_length=1, max_length=3)


class DependentIn(ApiModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    phone: Phone
    relation: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    scopes: list[Scope] = Field(min_length=1, max_length=3)
    id_number: IdNumber | None = None


class DependentOut(BaseModel):
    patient: PatientOut
    link_id: str
    scopes: list[str]
