from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "wbs.intake"
    label = "intake"
