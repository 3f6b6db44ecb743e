"""Typed work is never lost (issue 12 §2): a telaahan, a Laporan Hasil, a message to the
reporter, an internal note or any step's text sent after the session expired is held
encrypted (wbs.vault.held, the key only in this browser's cookie) and, after the writer logs in
again, comes back in the form it was typed in, with a notice, on the case page.

The hold is attached to a view with `keeps_typed_text(kind)`; staff_required calls it when a
POST arrives without a live staff session. Only text fields are held, never files (the page
says so) and never the CSRF token.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.forms import Textarea
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from wbs.vault import held

from . import forms as case_forms
from . import inbox
from .limits import MESSAGE_MAX

PURPOSE = "staff-form"
TOKEN_HOURS = 12
_SIGNER = signing.TimestampSigner(salt="wbs.cases.drafts")
_FORMS = {
    "message": case_forms.StaffMessageForm,
    "note": case_forms.NoteForm,
    "review": case_forms.ReviewForm,
}


def _form_class(kind: str, action: str | None):
    if kind == "action":
        return case_forms.ACTION_FORMS.get(action or "")
    return _FORMS.get(kind)


def _text_fields(form_class) -> list[str]:
    """The form's text boxes: the only fields held and restored (never a choice, a tick, a
    handler or a file, so a held row can bring back words to check, not a decision)."""
    return [
        name for name, field in form_class.base_fields.items() if isinstance(field.widget, Textarea)
    ]


def keeps_typed_text(kind: str):
    """Mark a case view whose POST is held when it arrives after the session expired. `kind`:
    "action" (a workflow step; the view takes `action`), "message", "note" or "review"."""

    def mark(view):
        def on_expired_post(request, response, number, action=None, **_kwargs):
            form_class = _form_class(kind, action)
            writer = getattr(request, "expired_user_id", None)
            if form_class is None or writer is None:
                return  # only a staff session that expired in this browser
            fields = {
                name: request.POST.get(name, "")[:MESSAGE_MAX] for name in _text_fields(form_class)
            }
            if not any(value.strip() for value in fields.values()):
                return
            token = held.hold(
                PURPOSE,
                {
                    "user": writer,
                    "kind": kind,
                    "number": number,
                    "action": action,
                    "fields": fields,
                    "at": timezone.now().isoformat(),
                },
            )
            # Signed with the installation's secret: a row written straight into the database
            # with a key of one's own has no cookie that the server accepts.
            response.set_cookie(
                settings.WBS_DRAFT_COOKIE_NAME,
                _SIGNER.sign(token),
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )

        view.on_expired_post = on_expired_post
        return view

    return mark


SESSION_KEY = "wbs_draft"


def _cookie_token(request) -> str:
    value = request.COOKIES.get(settings.WBS_DRAFT_COOKIE_NAME, "")
    if not value:
        return ""
    try:
        return _SIGNER.unsign(value, max_age=datetime.timedelta(hours=TOKEN_HOURS))
    except signing.BadSignature:
        return ""


def resume(request):
    """After logging in again: the way back to the held text (a redirect to its case page), or
    None. The token moves from the cookie into the new session, so this happens once."""
    token = _cookie_token(request)
    payload = held.peek(token, PURPOSE) if token else None
    if payload is None:
        return None
    if payload.get("user") != request.user.pk:
        # Somebody else logs in on this browser: the text is not theirs to see.
        held.take(token, PURPOSE)
        return None
    try:
        inbox.report_for(request, payload["number"])
    except Http404:
        held.take(token, PURPOSE)
        messages.warning(
            request,
            _(
                "The text you sent after your session ended cannot be restored: you no longer "
                "have access to that report."
            ),
        )
        return None
    request.session[SESSION_KEY] = token
    response = redirect("cases:case", number=payload["number"])
    forget(response)
    return response


def restore(request, report) -> dict:
    """The case page's forms filled with the held text for this report, and the text itself
    for the notice (so it is never lost, even when the step is no longer open). The text is
    taken: it is shown once. {} when nothing is held for this report."""
    token = request.session.get(SESSION_KEY) or _cookie_token(request)
    if not token:
        return {}
    payload = held.peek(token, PURPOSE)
    if (
        payload is None
        or payload.get("user") != request.user.pk
        or payload.get("number") != report.registration_number
    ):
        return {}
    held.take(token, PURPOSE)
    request.session.pop(SESSION_KEY, None)
    kind, action = payload.get("kind"), payload.get("action")
    form_class = _form_class(kind, action)
    if form_class is None:
        return {}
    names = _text_fields(form_class)
    fields = {name: str(value) for name, value in (payload.get("fields") or {}).items()}
    initial = {name: fields[name] for name in names if fields.get(name)}
    if kind == "action":
        form = case_forms.action_form(action, initial=initial, report=report)
        context = {f"form_{action}": form, "open_action": action}
    else:
        form = form_class(initial=initial)
        context = {f"{kind}_form": form}
    try:
        sent_at = datetime.datetime.fromisoformat(payload.get("at") or "")
    except ValueError:
        sent_at = None
    texts = [(str(form.fields[name].label), initial[name]) for name in names if name in initial]
    return {**context, "restored": True, "restored_texts": texts, "restored_at": sent_at}


def forget(response) -> None:
    response.delete_cookie(settings.WBS_DRAFT_COOKIE_NAME, path="/", samesite="Strict")
