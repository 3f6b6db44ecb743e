from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "wbs.administration"
    label = "administration"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
