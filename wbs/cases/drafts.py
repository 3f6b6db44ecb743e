"""Typed work is never lost (issue 12 §2): a telaahan, a Laporan Hasil, a message to the
reporter, an internal note or any step's text sent after the session expired is held
encrypted (wbs.vault.held, the key only in this browser's cookie) and, after the writer logs in
again, comes back in the form it was typed in, with a notice, on the case page.

The hold is attached to a view with `keeps_typed_text(kind)`; staff_required calls it when a
POST arrives without a live staff session. Only text fields are held, never files (the page
says so) and never the CSRF token.
"""

from django.conf import settings
from django.forms import Textarea
from django.shortcuts import redirect

from wbs.vault import held

from . import forms as case_forms

PURPOSE = "staff-form"
COOKIE_HOURS = 12
_SKIP = {"csrfmiddlewaretoken"}


def keeps_typed_text(kind: str):
    """Mark a case view whose POST is held when it arrives after the session expired. `kind`:
    "action" (a workflow step; the view takes `action`), "message", "note" or "review"."""

    def mark(view):
        def on_expired_post(request, response, number, action=None, **_kwargs):
            fields = {
                name: request.POST.get(name, "")
                for name in request.POST
                if name not in _SKIP and len(request.POST.get(name, "")) <= 100_000
            }
            writer = getattr(request, "expired_user_id", None)
            if writer is None or not any(value.strip() for value in fields.values()):
                return  # only a session that expired here, with text in it
            token = held.hold(
                PURPOSE,
                {
                    "user": writer,
                    "kind": kind,
                    "number": number,
                    "action": action,
                    "fields": fields,
                },
            )
            response.set_cookie(
                settings.WBS_DRAFT_COOKIE_NAME,
                token,
                max_age=COOKIE_HOURS * 3600,
                path="/staf/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )

        view.on_expired_post = on_expired_post
        return view

    return mark


SESSION_KEY = "wbs_draft"


def _token(request) -> str:
    return request.COOKIES.get(settings.WBS_DRAFT_COOKIE_NAME, "")


def resume(request):
    """After logging in again: the way back to the held text (a redirect to its case page), or
    None. The token moves from the cookie into the new session, so this happens once."""
    token = _token(request)
    payload = held.peek(token, PURPOSE) if token else None
    if payload is None:
        return None
    if payload.get("user") != request.user.pk:
        # Somebody else logs in on this browser: the text is not theirs to see.
        held.take(token, PURPOSE)
        return None
    request.session[SESSION_KEY] = token
    response = redirect("cases:case", number=payload["number"])
    forget(response)
    return response


def _texts(form, fields: dict) -> list[tuple[str, str]]:
    """(label, text) of every text box that held something."""
    return [
        (str(field.label), fields[name])
        for name, field in form.fields.items()
        if isinstance(field.widget, Textarea) and (fields.get(name) or "").strip()
    ]


def restore(request, report) -> dict:
    """The case page's forms filled with the held text for this report, and the text itself
    for the notice (so it is never lost, even when the step is no longer open). The text is
    taken: it is shown once. {} when nothing is held for this report."""
    token = request.session.get(SESSION_KEY) or _token(request)
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
    fields, kind = payload.get("fields") or {}, payload.get("kind")
    form, name = None, ""
    if kind == "action":
        action = payload.get("action") or ""
        if action in case_forms.ACTION_FORMS:
            form = case_forms.action_form(action, initial=fields, report=report)
            name = f"form_{action}"
    else:
        form_class = {
            "message": case_forms.StaffMessageForm,
            "note": case_forms.NoteForm,
            "review": case_forms.ReviewForm,
        }.get(kind)
        if form_class is not None:
            form, name = form_class(initial=fields), f"{kind}_form"
    if form is None:
        return {}
    context = {name: form, "restored": True, "restored_texts": _texts(form, fields)}
    if kind == "action":
        context["open_action"] = payload.get("action")
    return context


def forget(response) -> None:
    response.delete_cookie(settings.WBS_DRAFT_COOKIE_NAME, path="/staf/", samesite="Strict")
