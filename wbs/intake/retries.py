"""What makes a submission the *same* submission when a client sends it again (issue 11 §3):
its idempotency key (the form's hidden `submission_key`, or the API's `Idempotency-Key`
header) and a fingerprint of the request — its fields, and its files' names and sizes (no file
is read for it). See wbs.vault.idempotency."""

import hashlib
import secrets

FORM_FIELD = "submission_key"
HEADER = "Idempotency-Key"
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
    return digest.hexdigest()
