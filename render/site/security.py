"""Turn every response into one that tells the browser what it may do, and login attempts into a
throttled check: the framework's protections, set up once."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils import timezone
from django.utils.translation import ngettext

from render.site.models import Audit

# No inline script anywhere, nothing from elsewhere: the intranet has no internet, and an injected
# <script> finds nothing it may run.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
TRIES = 5  # failed logins per account, and per address, within WINDOW before logins are refused
WINDOW = timedelta(minutes=15)


class Headers:
    """Content-Security-Policy on every answer (Django 5.2 has none of its own), and no caching of pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response


def throttled(name: str, address: str) -> bool:
    """Too many failed logins lately for this account or from this address (the audit log counts them)."""
    since = timezone.now() - WINDOW
    failed = Audit.objects.filter(action="登录失败", when__gte=since)
    return failed.filter(who=name[:150]).count() >= TRIES or failed.filter(address=address).count() >= TRIES * 4


class Login(AuthenticationForm):
    """Django's login form, in the clerk's words; one message for a wrong name and a wrong password."""

    error_messages = {"invalid_login": "用户名或密码不正确。", "inactive": "用户名或密码不正确。"}
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if throttled(self.data.get("username", ""), address):
            raise forms.ValidationError(f"登录失败次数过多，请 {WINDOW.seconds // 60} 分钟后再试。")
        return super().clean()


class MinimumLength(MinimumLengthValidator):
    """Django's minimum length with its refusal in Django's own Chinese: 5.2 changed the message's msgid
    (`%d` for `%(min_length)d`) and its zh_Hans catalog still has only the old one, so the clerk read English."""

    def get_error_message(self):
        return ngettext("This password is too short. It must contain at least %(min_length)d character.",
                        "This password is too short. It must contain at least %(min_length)d characters.",
                        self.min_length) % {"min_length": self.min_length}
