"""Turn this package into a Django app: its models (accounts' roles, history, audit) and templates."""

from django.apps import AppConfig


class Bureau(AppConfig):
    name = "render.site"
    label = "bureau"  # not "site": Django's own sites framework and Python's site module have that name
    verbose_name = "绩效目标表站点"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from render.site.views import accounts  # noqa: F401  (the audit log's receivers of logins)
