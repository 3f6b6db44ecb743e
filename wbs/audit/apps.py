from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wbs.audit"
    label = "audit"
