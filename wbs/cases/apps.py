from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wbs.cases"
    label = "cases"
