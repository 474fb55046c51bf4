"""Turn what the site must remember into tables: each account's role and departments, every saved version
of a content file, and the audit log. Never the tables themselves: the content folder holds those."""

from __future__ import annotations

from django.conf import settings
from django.db import models

ROLES = ("填报员", "审核员", "档案员", "管理员")


class Account(models.Model):
    """What a Django user may do here: one role, and for a 填报员 the 部门编码 they edit."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField(max_length=8, choices=[(r, r) for r in ROLES])
    departments = models.CharField(max_length=2000, blank=True)  # 部门编码, comma-separated

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.departments.split(",") if c)


class Version(models.Model):
    """One content file's bytes as a save found or left them: the history, and what a refused save kept."""

    source = models.CharField(max_length=1000, db_index=True)  # relative to the content folder
    data = models.BinaryField()
    author = models.CharField(max_length=150)
    when = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=16)  # 原有 / 保存 / 未保存（冲突）/ 恢复

    class Meta:
        ordering = ["-when", "-id"]


class Audit(models.Model):
    """Who did what, when, from where. Written by the site only; nothing in the site changes or deletes it."""

    when = models.DateTimeField(auto_now_add=True, db_index=True)
    who = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=32)  # 登录 / 登录失败 / 保存 / 生成 / 账户 …
    what = models.CharField(max_length=2000)

    class Meta:
        ordering = ["-when", "-id"]


def record(who: str, address: str, action: str, what: str) -> None:
    Audit.objects.create(who=who[:150], address=address[:64], action=action, what=what[:2000])
