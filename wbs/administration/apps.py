from django.apps import AppConfig

from . import checks  # noqa: F401 - registers the deployment checks


class AdministrationConfig(AppConfig):
    name = "wbs.administration"
    label = "administration"

    def ready(self):
        from . import masterdata_audit  # the models are loaded only now

        masterdata_audit.connect()
