"""REST API for the WeChat and Alipay mini-programs and kiosks (/api/v1/...)."""

from flask_openapi3 import APIBlueprint, Tag

bp = APIBlueprint("miniprogram_api", __name__, url_prefix="/api/v1")
AUTH_TAG = Tag(name="auth", description="登录、手机号验证、令牌")
FAMILY_TAG = Tag(name="family", description="家人关联与授权")

from miniprogram_api import auth, chat, family, wechat_oa  # noqa: E402,F401  (routes register on bp)
