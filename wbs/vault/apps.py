import os

from django.apps import AppConfig
from django.conf import settings


class VaultConfig(AppConfig):
    name = "wbs.vault"
    label = "vault"

    def ready(self):
        # Encrypted upload spools live here; it must exist and be private.
        os.makedirs(settings.FILE_UPLOAD_TEMP_DIR, mode=0o700, exist_ok=True)
