"""The per-session keyring.

At log-in (staff or registered reporter) the private key is unwrapped; for an anonymous reporter
the Kode Akses opens the report key. Either way the keys are kept for the session encrypted under
a random 32-byte key that lives only in its own HttpOnly cookie: a dump of the session store
alone opens nothing, and losing either half ends the session cleanly.
"""

import base64
import json

from django.conf import settings

from . import crypto
from .models import KeyGrant

SESSION_FIELD = "wbs_kr"
_AD = b"wbs:v1:keyring"


class NoAccess(Exception):
    """The keyring holds no key for this report (or identity)."""


class Keyring:
    def __init__(
        self,
        *,
        user_id: int | None = None,
        private_key: bytes | None = None,
        signing_key: bytes | None = None,
        reports: dict[str, dict[str, bytes]] | None = None,
    ):
        self.user_id = user_id
        self._private_key = private_key
        self._signing_key = signing_key
        self._reports = reports or {}
        self._cache: dict[tuple[str, str], bytes] = {}
        self._missing: set[tuple[str, str]] = set()

    def __bool__(self) -> bool:
        return self._private_key is not None or bool(self._reports)

    @property
    def has_private_key(self) -> bool:
        return self._private_key is not None

    @property
    def report_ids(self) -> list[str]:
        return list(self._reports)

    def add_report(self, report_id, *, rk: bytes, ik: bytes | None = None) -> None:
        entry = {"rk": rk}
        if ik is not None:
            entry["ik"] = ik
        self._reports[str(report_id)] = entry

    def add_identity_key(self, report_id, ik: bytes) -> None:
        """An identity key combined from released shares (for this session only)."""
        self._reports.setdefault(str(report_id), {})["ik"] = ik
        self._cache.pop((str(report_id), "identity"), None)
        self._missing.discard((str(report_id), "identity"))

    def new_report(self, report_id, *, identity: bool) -> None:
        """Fresh keys for a new report: a report key, and an identity key when `identity`."""
        self.add_report(report_id, rk=crypto.new_key(), ik=crypto.new_key() if identity else None)

    def adopt(self, other: "Keyring") -> None:
        """Take over the report keys `other` holds (a registered reporter's own submission)."""
        for report_id, entry in other._reports.items():
            self._reports[report_id] = dict(entry)

    def holds(self, report_id, kind: str = "report") -> bool:
        """Whether this keyring can open the report's key of `kind` ("report" or "identity")."""
        try:
            self._key(report_id, kind)
        except NoAccess:
            return False
        return True

    # -- lookup (used by wbs.vault only) --

    def _key(self, report_id, kind: str) -> bytes:
        report_id = str(report_id)
        cached = self._cache.get((report_id, kind))
        if cached is not None:
            return cached
        if (report_id, kind) in self._missing:
            raise NoAccess(kind)
        short = "rk" if kind == "report" else "ik"
        if report_id in self._reports and short in self._reports[report_id]:
            key = self._reports[report_id][short]
        elif self._private_key is not None and self.user_id is not None:
            grant = (
                KeyGrant.objects.filter(report_id=report_id, user_id=self.user_id, key_kind=kind)
                .only("sealed_key")
                .first()
            )
            if grant is None:
                raise NoAccess(kind)
            try:
                key = crypto.unseal(self._private_key, grant.sealed_key)
            except crypto.DecryptionError:  # sealed to an earlier key pair of this user
                raise NoAccess(kind) from None
        else:
            raise NoAccess(kind)
        self._cache[(report_id, kind)] = key
        return key

    def preload(self, grants, *, report_ids=(), kind: str = "report") -> None:
        """Unseal a batch of grants fetched in one query (list pages); reports of `report_ids`
        without a grant are remembered as such, so asking again costs no query."""
        found = set()
        for grant in grants:
            try:
                key = crypto.unseal(self._private_key, grant.sealed_key)
            except crypto.DecryptionError:  # sealed to an earlier key pair of this user
                continue
            self._cache[(str(grant.report_id), grant.key_kind)] = key
            found.add(str(grant.report_id))
        for report_id in report_ids:
            report_id = str(report_id)
            if report_id not in found and report_id not in self._reports:
                self._missing.add((report_id, kind))

    def private_key(self) -> bytes:
        if self._private_key is None:
            raise NoAccess("private key")
        return self._private_key

    def signing_key(self) -> bytes:
        if self._signing_key is None:
            raise NoAccess("signing key")
        return self._signing_key

    # -- (de)serialisation for the session --

    def dumps(self) -> bytes:
        b64 = base64.b64encode
        payload = {
            "u": self.user_id,
            "sk": b64(self._private_key).decode() if self._private_key else None,
            "sg": b64(self._signing_key).decode() if self._signing_key else None,
            "r": {
                rid: {k: b64(v).decode() for k, v in entry.items()}
                for rid, entry in self._reports.items()
            },
        }
        return json.dumps(payload).encode()

    @classmethod
    def loads(cls, data: bytes) -> "Keyring":
        b64 = base64.b64decode
        payload = json.loads(data)
        return cls(
            user_id=payload["u"],
            private_key=b64(payload["sk"]) if payload["sk"] else None,
            signing_key=b64(payload["sg"]) if payload.get("sg") else None,
            reports={
                rid: {k: b64(v) for k, v in entry.items()} for rid, entry in payload["r"].items()
            },
        )


def attach(request, keyring: Keyring) -> None:
    """Store `keyring` for this session under a fresh cookie key (call after login/cycle_key)."""
    cookie_key = crypto.new_key()
    request.session[SESSION_FIELD] = base64.b64encode(
        crypto.encrypt(cookie_key, keyring.dumps(), ad=_AD)
    ).decode()
    request._keyring_cookie = base64.urlsafe_b64encode(cookie_key).decode()
    request.keyring = keyring


def save(request) -> None:
    """Re-store the request's keyring after a change, under the same cookie key."""
    cookie_key = _cookie_key(request)
    if cookie_key is None:
        attach(request, request.keyring)
        return
    request.session[SESSION_FIELD] = base64.b64encode(
        crypto.encrypt(cookie_key, request.keyring.dumps(), ad=_AD)
    ).decode()


def detach(request) -> None:
    request.session.pop(SESSION_FIELD, None)
    request._keyring_cookie = ""
    request.keyring = Keyring()


def _cookie_key(request) -> bytes | None:
    value = getattr(request, "_keyring_cookie", None)
    if value is None:
        value = request.COOKIES.get(settings.WBS_KEYRING_COOKIE_NAME)
    if not value:
        return None
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (ValueError, TypeError):
        return None
    return key if len(key) == crypto.KEY_BYTES else None


def load(request) -> Keyring | None:
    """The session's keyring; an empty one if there is none; None if only one half is present
    (the caller then ends the session)."""
    blob = request.session.get(SESSION_FIELD)
    if not blob:
        return Keyring()
    cookie_key = _cookie_key(request)
    if cookie_key is None:
        return None
    try:
        return Keyring.loads(crypto.decrypt(cookie_key, base64.b64decode(blob), ad=_AD))
    except (crypto.DecryptionError, ValueError, KeyError):
        return None


def seal_for_token(keyring: Keyring) -> tuple[str, str]:
    """For API sessions: (blob for the session store, key for the bearer token)."""
    key = crypto.new_key()
    blob = base64.b64encode(crypto.encrypt(key, keyring.dumps(), ad=_AD)).decode()
    return blob, base64.urlsafe_b64encode(key).decode().rstrip("=")


def open_token_blob(blob: str, token_key: str) -> Keyring | None:
    try:
        key = base64.urlsafe_b64decode(token_key + "=" * (-len(token_key) % 4))
        return Keyring.loads(crypto.decrypt(key, base64.b64decode(blob), ad=_AD))
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        return None
