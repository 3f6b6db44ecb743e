from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "wbs.directory"
    label = "directory"
