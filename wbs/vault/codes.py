"""Kode Akses and Nomor Registrasi: generation and normalisation."""

import secrets

from django.utils import timezone

# Crockford's base32: no I, L, O, U, so nothing reads as another character.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 24  # 24 × 5 bits = 120 bits from the CSPRNG
CODE_GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_access_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(text: str) -> str | None:
    """Accept the code in any case, with or without separators; None if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_.")
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def new_registration_number(today=None) -> str:
    """Random, not sequential: WBS-YYMM-XXXX (year and month of receipt, four random symbols)."""
    today = today or timezone.localdate()
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(4))
    return f"WBS-{today:%y%m}-{suffix}"


def new_recovery_passphrase() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(32))  # 160 bits
    return "-".join(raw[i : i + 4] for i in range(0, 32, 4))


def normalise_passphrase(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
