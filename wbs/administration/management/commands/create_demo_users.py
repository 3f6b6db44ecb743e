import base64
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from wbs.accounts.models import Role, User
from wbs.accounts.services import create_staff_user, decider_for
from wbs.cases.roles import grant_directly_with_recovery
from wbs.cli import WbsCommand
from wbs.directory.models import Wilayah
from wbs.private_files import write_private
from wbs.vault.management.commands.init_vault import DEMO_PASSPHRASE

# Fictional people (docs/design/context-id.md: never real names or NIPs).
DEMO_STAFF = [
    ("verifikator", "Rina Verifikasi", [Role.VERIFIKATOR], None, "Auditor Ahli Muda"),
    ("penelaah1", "Andi Telaah Satu", [Role.PENELAAH], "irban-1", "Inspektur Pembantu Wilayah I"),
    ("penelaah2", "Dewi Telaah Dua", [Role.PENELAAH], "irban-2", "Inspektur Pembantu Wilayah II"),
    (
        "penelaah3",
        "Yusuf Telaah Tiga",
        [Role.PENELAAH],
        "irban-3",
        "Inspektur Pembantu Wilayah III",
    ),
    ("penelaah4", "Maya Telaah Empat", [Role.PENELAAH], "irban-4", "Inspektur Pembantu Wilayah IV"),
    (
        "investigasi",
        "Hendra Investigasi",
        [Role.PENELAAH],
        "investigasi",
        "Inspektur Pembantu Investigasi",
    ),
    # The Inspektur first: their role is approved by the trust root, the others' in turn.
    (
        "inspektur",
        "Sari Inspektur Contoh",
        [Role.INSPEKTUR, Role.CUSTODIAN],
        None,
        "Inspektur Daerah",
    ),
    (
        "pj",
        "Bambang Penanggung Jawab",
        [Role.PENANGGUNG_JAWAB, Role.CUSTODIAN],
        None,
        "Sekretaris Inspektorat",
    ),
    (
        "kustodian",
        "Nurul Kustodian Identitas",
        [Role.CUSTODIAN],
        None,
        "Kepala Subbagian Perencanaan, Evaluasi dan Pelaporan",
    ),
    ("pembina", "Lestari Pembina", [Role.PEMBINA], None, "Sekretaris Daerah"),
    ("admin", "Admin Sistem Contoh", [Role.ADMIN], None, "Pranata Komputer"),
    ("admin2", "Admin Sistem Kedua", [Role.ADMIN], None, "Pranata Komputer"),
]


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-credentials.json"


class Command(WbsCommand):
    help = gettext_lazy(
        "Demo mode only: create fictional staff accounts for every role, approve their key "
        "roles as the trust root would (with the demo's kept recovery passphrase), and print "
        "the log-ins."
    )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                _("Demo accounts exist only in demo mode (WBS_DEMO=True): use ./wbs-demo.")
            )
        kept = Path(settings.DATA_DIR) / "secrets" / DEMO_PASSPHRASE
        if not kept.exists():
            raise CommandError(_("Run `./wbs-demo init_vault` first."))
        passphrase = kept.read_text(encoding="ascii").strip()
        path = _credentials_file()
        saved = json.loads(path.read_text()) if path.exists() else {}
        for n, (username, name, roles, wilayah_code, jabatan) in enumerate(DEMO_STAFF, start=1):
            if User.objects.filter(username=username).exists():
                continue
            password = "-".join(secrets.token_hex(3) for _ in range(3))
            direct = [role for role in roles if decider_for(role) in (None, "admin")]
            user = create_staff_user(
                username=username,
                password=password,
                roles=direct,
                full_name=name,
                email=f"{username}@example.org",
                nip=f"19800101200501{1 + n % 2}{n:03d}",
                jabatan=jabatan,
                pangkat="Pembina (IV/a)",
                wilayah=Wilayah.objects.filter(code=wilayah_code).first() if wilayah_code else None,
            )
            approved = [role for role in roles if role not in direct]
            grant_directly_with_recovery(passphrase, user, approved)
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
            saved[username] = {"password": password, "totp_secret": _b32(device.bin_key)}
        write_private(path, json.dumps(saved, indent=2))
        self.stdout.write(
            _("Demo staff log-ins (demo mode only; also in var/demo-credentials.json):")
        )
        user_head, password_head = _("username"), _("password")
        user_width, password_width = max(12, len(user_head)), max(22, len(password_head))
        self.stdout.write(
            f"  {user_head:<{user_width}} {password_head:<{password_width}} "
            + _("TOTP secret (base32)")
        )
        for username, entry in saved.items():
            self.stdout.write(
                f"  {username:<{user_width}} {entry['password']:<{password_width}} "
                f"{entry['totp_secret']}"
            )


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")
