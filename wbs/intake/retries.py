"""What makes a submission the *same* submission when a client sends it again (issue 11 §3):
its idempotency key (the form's hidden `submission_key`, or the API's `Idempotency-Key`
header) and a fingerprint of the request — its fields, its files (names, sizes and the SHA-256
of their content) and, for the web form, the browser it came from (a cookie made when the form
is shown and renewed after each report, so that a form page left on a shared computer and sent
again by someone else is a new report, never the first one's receipt). See
wbs.vault.idempotency and docs/adr/0015."""

import hashlib
import secrets

from django.conf import settings

from wbs.vault.uploads import EncryptedUpload, read_plaintext

FORM_FIELD = "submission_key"
HEADER = "Idempotency-Key"


def browser_cookie_name() -> str:
    return "__Host-wbs-form" if settings.SESSION_COOKIE_SECURE else "wbs-form"


def give_browser_secret(request, response, *, renew: bool = False) -> None:
    """The report form's browser secret (kept for the browser session only)."""
    if renew or not request.COOKIES.get(browser_cookie_name()):
        response.set_cookie(
            browser_cookie_name(),
            secrets.token_urlsafe(24),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
            path="/",
        )


# Fields that differ between two sendings of the same form.
_NOT_CONTENT = frozenset({"csrfmiddlewaretoken", FORM_FIELD})


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_of(request) -> str:
    return (request.headers.get(HEADER) or request.POST.get(FORM_FIELD) or "").strip()


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    if request.content_type == "application/json":
        digest.update(b"json\0" + request.body)
        return digest.hexdigest()
    for name in sorted(request.POST):
        if name in _NOT_CONTENT:
            continue
        for value in request.POST.getlist(name):
            digest.update(f"f\0{name}\0{value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"u\0{name}\0{upload.name}\0{upload.size}\0".encode())
            if isinstance(upload, EncryptedUpload) and not (upload.too_large or upload.no_room):
                digest.update(hashlib.sha256(read_plaintext(upload)).digest())
    digest.update(f"b\0{request.COOKIES.get(browser_cookie_name(), '')}".encode())
    return digest.hexdigest()
