"""The one-time receipt (Nomor Registrasi + Kode Akses) between the POST and the GET that shows
it: ciphertext in the server-side session, the key only in a short-lived cookie."""

import base64
import json

from . import crypto

_AD = b"wbs:v1:receipt"


def seal_receipt(data: dict) -> tuple[str, bytes]:
    key = crypto.new_key()
    blob = crypto.encrypt(key, json.dumps(data).encode(), ad=_AD)
    return base64.b64encode(blob).decode(), key


def open_receipt(sealed: str, cookie_value: str) -> dict | None:
    try:
        key = base64.urlsafe_b64decode(cookie_value.encode())
        return json.loads(crypto.decrypt(key, base64.b64decode(sealed), ad=_AD))
    except (ValueError, TypeError, crypto.DecryptionError):
        return None
