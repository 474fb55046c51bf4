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


class Sealed(Exception):
    """An attempt to change or delete a line of the audit log."""


class AppendOnly(models.QuerySet):
    """The audit log's rows: added, never updated or deleted, whoever asks (a view, a shell, an admin)."""

    def update(self, **kwargs):
        raise Sealed("审计日志只能追加，不能修改")

    def delete(self):
        raise Sealed("审计日志只能追加，不能删除")


class Audit(models.Model):
    """Who did what, when, from where. Written by the site only; nothing can change or delete a line of it
    through Django (no role, no admin: the site has no Django admin)."""

    objects = AppendOnly.as_manager()

    when = models.DateTimeField(auto_now_add=True, db_index=True)
    who = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=32)  # 登录 / 登录失败 / 保存 / 生成 / 账户 …
    what = models.CharField(max_length=2000)

    class Meta:
        ordering = ["-when", "-id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Sealed("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Sealed("审计日志只能追加，不能删除")


def record(who: str, address: str, action: str, what: str) -> None:
    Audit.objects.create(who=who[:150], address=address[:64], action=action, what=what[:2000])
