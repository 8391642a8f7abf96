"""Login from WeChat, Alipay or a kiosk; phone verification; token refresh; logout."""

from __future__ import annotations

from flask import Response, request

from core import db, platforms
from core import redis as redis_ext
from core.api import BEARER, current_actor, ok, request_context, settings
from core.crypto import mask_phone
from core.errors import ApiError
from identity import audit, sms_codes, tokens
from identity import service as identity_service
from identity.models import Patient
from miniprogram_api import AUTH_TAG, bp
from miniprogram_api.platform_errors import platform_call
from miniprogram_api.schemas import (
    AlipayLogin,
    AlipayPhone,
    KioskLogin,
    LoginOut,
    MeOut,
    PatientOut,
    PhoneBind,
    RefreshIn,
    SmsSend,
    SmsSent,
    WechatLogin,
)

LOGIN_LIMIT_PER_MINUTE = 60


def _throttle_login() -> None:
    if redis_ext.hit_rate_limit(f"login:{request.remote_addr}", limit=LOGIN_LIMIT_PER_MINUTE, window_seconds=60):
        raise ApiError(429, "too_many_requests", "操作太频繁了，请稍等一会儿再试。")


def patient_out(patient: Patient) -> PatientOut:
    return PatientOut(id=patient.id, name=patient.name, phone=mask_phone(patient.phone),
                      birth_year=patient.birth_year, gender=patient.gender)


def _login_response(*, platform: str, patient_id: str | None, identity_id: str | None) -> Response:
    db_session = db.session()
    pair = tokens.issue(db_session=db_session, settings=settings(), platform=platform,
                        patient_id=patient_id, identity_id=identity_id)
    patient = identity_service.get(db_session=db_session, patient_id=patient_id)
    audit.record(db_session=db_session, actor_type="patient", actor_id=patient_id or identity_id or pair.family_id,
                 action="login", resource="session", resource_id=pair.family_id, patient_id=patient_id,
                 ctx=request_context())
    db_session.commit()
    return ok(LoginOut(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in,
                       needs_phone=patient is None, patient=patient_out(patient) if patient else None))


def _phone_from_alipay(proof: AlipayPhone) -> str:
    with platform_call("alipay.decrypt_phone"):
        return str(platforms.alipay().decrypt_phone(proof.response, proof.sign))


@bp.post("/auth/wechat", tags=[AUTH_TAG], responses={200: LoginOut})
def login_wechat(body: WechatLogin) -> Response:
    """WeChat mini-program login: wx.login code (and optionally a getPhoneNumber code)."""
    _throttle_login()
    wechat = platforms.wechat()
    with platform_call("wechat.jscode2session"):
        session = wechat.code_to_session(body.code)
    identity = identity_service.upsert_identity(db_session=db.session(), platform="wechat", app_id=settings().wechat_appid,
                                                subject=session.openid, union_id=session.unionid)
    if identity.patient_id is None and body.phone_code:
        with platform_call("wechat.getuserphonenumber"):
            phone = wechat.get_user_phone_number(body.phone_code)
        identity_service.link_verified_phone(db_session=db.session(), identity=identity, phone=phone,
                                             policy_version=settings().privacy_policy_version)
    return _login_response(platform="wechat", patient_id=identity.patient_id, identity_id=identity.id)


@bp.post("/auth/alipay", tags=[AUTH_TAG], responses={200: LoginOut})
def login_alipay(body: AlipayLogin) -> Response:
    """Alipay mini-program login: my.getAuthCode code (and optionally the my.getPhoneNumber result)."""
    _throttle_login()
    with platform_call("alipay.system.oauth.token"):
        who = platforms.alipay().oauth_token(body.auth_code)
    # New Alipay apps only get open_id; old ones only user_id. Key on whichever is there.
    subject = who.open_id or who.user_id
    if not subject:
        raise ApiError(502, "upstream_error", "支付宝没有返回用户信息，请稍后再试。")
    identity = identity_service.upsert_identity(db_session=db.session(), platform="alipay", app_id=settings().alipay_app_id,
                                                subject=subject, union_id=who.union_id)
    if identity.patient_id is None and body.phone is not None:
        identity_service.link_verified_phone(db_session=db.session(), identity=identity, phone=_phone_from_alipay(body.phone),
                                             policy_version=settings().privacy_policy_version)
    return _login_response(platform="alipay", patient_id=identity.patient_id, identity_id=identity.id)


@bp.post("/auth/sms/send", tags=[AUTH_TAG], responses={200: SmsSent})
def send_sms_code(body: SmsSend) -> Response:
    """Sends a 6-digit login code by SMS (rate-limited per phone and per IP)."""
    redis_client = redis_ext.client()
    phone_hash = identity_service.phone_hash(body.phone)
    sms_codes.check_send_limits(redis_client=redis_client, phone_hash=phone_hash, ip=request.remote_addr or "-")
    code = sms_codes.new_code(redis_client=redis_client, phone_hash=phone_hash, ttl_seconds=settings().sms_code_ttl_seconds)
    with platform_call("sms.SendSms"):
        platforms.sms().send_sms(body.phone, settings().sms_template_login_code, {"code": code})
    return ok(SmsSent(sent=True, expires_in=settings().sms_code_ttl_seconds))


def _verify_sms(phone: str, code: str) -> None:
    sms_codes.verify(redis_client=redis_ext.client(), phone_hash=identity_service.phone_hash(phone), code=code,
                     max_attempts=settings().sms_code_max_attempts)


@bp.post("/auth/phone", tags=[AUTH_TAG], responses={200: LoginOut}, security=BEARER)
def bind_phone(body: PhoneBind) -> Response:
    """Proves a phone number for the logged-in platform identity and links it to the patient."""
    actor = current_actor(linked=False)
    db_session = db.session()
    identity = identity_service.get_identity(db_session=db_session, identity_id=actor.identity_id)
    if identity is None:
        raise ApiError(409, "no_platform_identity", "请在微信或支付宝小程序里验证手机号。")
    if body.phone_code is not None:
        if identity.platform != "wechat":
            raise ApiError(400, "wrong_platform", "请用支付宝的手机号授权。")
        with platform_call("wechat.getuserphonenumber"):
            phone = platforms.wechat().get_user_phone_number(body.phone_code)
    elif isinstance(body.phone, AlipayPhone):
        if identity.platform != "alipay":
            raise ApiError(400, "wrong_platform", "请用微信的手机号授权。")
        phone = _phone_from_alipay(body.phone)
    else:
        assert isinstance(body.phone, str) and body.sms_code is not None
        _verify_sms(body.phone, body.sms_code)
        phone = body.phone
    patient = identity_service.link_verified_phone(db_session=db_session, identity=identity, phone=phone,
                                                   policy_version=settings().privacy_policy_version)
    # The pending session ends; a new one bound to the patient starts.
    tokens.revoke_family(db_session=db_session, family_id=actor.family_id, reason="phone_verified")
    return _login_response(platform=identity.platform, patient_id=patient.id, identity_id=identity.id)


@bp.post("/auth/kiosk", tags=[AUTH_TAG], responses={200: LoginOut})
def login_kiosk(body: KioskLogin) -> Response:
    """Hospital kiosk: medical card or ID number, plus the phone proven by an SMS code. Short session."""
    _throttle_login()
    _verify_sms(body.phone, body.sms_code)
    patient = identity_service.login_kiosk(db_session=db.session(), phone=body.phone, id_number=body.id_number,
                                           card_no=body.card_no, policy_version=settings().privacy_policy_version)
    return _login_response(platform="kiosk", patient_id=patient.id, identity_id=None)


@bp.post("/auth/refresh", tags=[AUTH_TAG], responses={200: LoginOut})
def refresh(body: RefreshIn) -> Response:
    """Spends a refresh token for a new pair. Reusing an old one ends every token of that login."""
    db_session = db.session()
    pair = tokens.rotate(db_session=db_session, settings=settings(), refresh_token=body.refresh_token)
    patient = identity_service.get(db_session=db_session, patient_id=pair.patient_id)
    db_session.commit()
    return ok(LoginOut(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in,
                       needs_phone=patient is None and pair.staff_id is None,
                       patient=patient_out(patient) if patient else None))


@bp.post("/auth/logout", tags=[AUTH_TAG], responses={204: None}, security=BEARER)
def logout() -> Response:
    """Ends this login (this device)."""
    actor = current_actor(linked=False)
    tokens.revoke_family(db_session=db.session(), family_id=actor.family_id, reason="logout")
    db.session().commit()
    return ok()


@bp.post("/auth/logout-all", tags=[AUTH_TAG], responses={204: None}, security=BEARER)
def logout_all() -> Response:
    """Ends every login of this patient, on every platform and device."""
    actor = current_actor(linked=False)
    if actor.patient_id:
        tokens.revoke_all(db_session=db.session(), patient_id=actor.patient_id)
    else:
        tokens.revoke_family(db_session=db.session(), family_id=actor.family_id, reason="logout_all")
    db.session().commit()
    return ok()


@bp.get("/me", tags=[AUTH_TAG], responses={200: MeOut}, security=BEARER)
def me() -> Response:
    """The logged-in patient (phone masked), linked platforms, and family links awaiting confirmation."""
    actor = current_actor()
    db_session = db.session()
    patient = identity_service.get(db_session=db_session, patient_id=actor.patient_id)
    assert patient is not None
    audit.record(db_session=db_session, actor_type="patient", actor_id=patient.id, action="read", resource="profile",
                 patient_id=patient.id, ctx=request_context())
    identities = identity_service.identities_of(db_session=db_session, patient_id=patient.id)
    pending = identity_service.pending_confirmations(db_session=db_session, patient_id=patient.id)
    db_session.commit()
    return ok(MeOut(
        **patient_out(patient).model_dump(),
        platforms=[{"platform": i.platform, "app_id": i.app_id, "linked_at": i.created_at} for i in identities],
        pending_family_confirmations=[{"link_id": link.id, "member_id": link.member_id, "relation": link.relation,
                                       "scopes": link.scopes} for link in pending],
    ))
