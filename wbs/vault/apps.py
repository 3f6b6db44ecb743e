from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

from wbs.private_files import private_dir, private_file


class VaultConfig(AppConfig):
    name = "wbs.vault"
    label = "vault"

    def ready(self):
        # The data folder, the SQLite database (its -wal and -shm files take its mode) and the
        # encrypted upload spools are the application user's alone, whatever the umask.
        private_dir(settings.DATA_DIR)
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3" and _on_disk(database["NAME"]):
            private_file(database["NAME"])
            for suffix in ("-wal", "-shm", "-journal"):
                if Path(f"{database['NAME']}{suffix}").exists():
                    private_file(f"{database['NAME']}{suffix}")
        private_dir(settings.FILE_UPLOAD_TEMP_DIR)


def _on_disk(name) -> bool:
    text = str(name)
    return bool(text) and text != ":memory:" and not text.startswith("file:")
