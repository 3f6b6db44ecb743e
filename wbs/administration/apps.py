from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "wbs.administration"
    label = "administration"
