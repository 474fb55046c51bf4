"""Turn logins, failed logins and logouts into sessions and lines of the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from render.site.models import record
from render.site.security import Login


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user.get_username(), _address(request), "登录", "")


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    record(str(credentials.get("username", "")), _address(request), "登录失败", "")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    record(user.get_username() if user else "", _address(request), "退出", "")


login = auth.LoginView.as_view(template_name="site/login.html", authentication_form=Login,
                               redirect_authenticated_user=True)
logout = auth.LogoutView.as_view(next_page="login")
