from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "wbs.monitoring"
    label = "monitoring"
