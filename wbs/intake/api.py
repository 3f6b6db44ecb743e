"""Reporter API (JSON under /api/v1/): the same vault, the same rules as the pages.

Errors are JSON: {"error": "<Indonesian message>", "fields": {"field": ["message", ...]}}.
Bearer tokens are `<session key>.<keyring key>`: the server keeps the keyring encrypted in the
session store, the key to it only travels in the token.
"""

import json
import time
from importlib import import_module

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wbs.accounts import ratelimit
from wbs.audit import log
from wbs.cases.evidence import attachment_infos, stored_bytes
from wbs.cases.models import (
    PUBLIC_STAGE_OF_STATUS,
    IdentityMode,
    PublicStage,
    Report,
    public_timeline,
)
from wbs.cases.sealing import open_messages, open_report
from wbs.directory.models import Category, Unit
from wbs.monitoring.figures import public_figures
from wbs.vault import access
from wbs.vault import keyring as kr
from wbs.vault.uploads import UploadProblem, check_uploads

from . import services
from .forms import AccusedFormSet, EvidenceForm, MessageForm, ReportForm
from .openapi import OPENAPI

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
TOKEN_KIND = "reporter-api"  # noqa: S105 - a session kind, not a password


def _error(message: str, status: int, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "fields": fields or {}}, status=status)


def _form_errors(*forms_and_prefixes) -> dict:
    fields: dict[str, list[str]] = {}
    for form, rename in forms_and_prefixes:
        for name, errors in form.errors.items():
            key = rename.get(name, name) if name != "__all__" else "non_field_errors"
            fields.setdefault(key, []).extend(str(e) for e in errors)
    return fields


@require_GET
def health(request):
    return JsonResponse({"status": "ok"})


@require_GET
def openapi(request):
    return JsonResponse(OPENAPI)


@require_GET
def public_figures_view(request):
    figures = public_figures()
    return JsonResponse(
        {
            "received": figures["received"].as_json(),
            "completed": figures["completed"].as_json(),
            "confidentiality": _("Your identity is kept confidential."),
        }
    )


@require_GET
def public_categories(request):
    rows = Category.objects.filter(active=True).values("code", "name", "description")
    return JsonResponse({"categories": list(rows)})


@require_GET
def public_units(request):
    rows = Unit.objects.filter(active=True).values("id", "name", "kind")
    return JsonResponse({"units": list(rows)})


_API_TO_FORM = {"incident_date": "incident_date", "period": "incident_period"}
_FORM_TO_API = {
    "incident_period": "period",
    "identity_name": "identity.name",
    "identity_nip": "identity.nip",
    "identity_unit": "identity.unit",
    "identity_contact": "identity.contact",
    "reported_elsewhere_to": "reported_elsewhere_to",
}


def _json_field(raw, default):
    if raw in (None, ""):
        return default
    if isinstance(raw, list | dict):
        return raw
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return None


def _truthy(value) -> bool:
    return str(value).lower() in {"true", "1", "yes", "ya", "on"}


def _report_form_data(source) -> tuple[dict, dict] | JsonResponse:
    """Translate API fields into the web form's fields, so both share one validation."""
    accused = _json_field(source.get("accused"), [])
    identity = _json_field(source.get("identity"), {})
    if not isinstance(accused, list) or not all(isinstance(a, dict) for a in accused):
        return _error(
            _("Some fields are not valid."),
            400,
            {"accused": [_("Give a list of objects with name, position, unit.")]},
        )
    if not isinstance(identity, dict):
        return _error(
            _("Some fields are not valid."),
            400,
            {"identity": [_("Give an object with name, nip, unit, contact.")]},
        )
    category = Category.objects.filter(code=str(source.get("category", ""))).first()
    data = {
        "category": category.pk if category else "",
        "title": source.get("title", ""),
        "description": source.get("description", ""),
        "unit": source.get("unit", ""),
        "location": source.get("location", ""),
        "incident_date": source.get("incident_date", ""),
        "incident_period": source.get("period", ""),
        "estimated_loss": str(source.get("estimated_loss", "") or ""),
        "reported_elsewhere": "yes" if _truthy(source.get("reported_elsewhere")) else "no",
        "reported_elsewhere_to": source.get("reported_elsewhere_to", ""),
        "reporter_type": source.get("reporter_type", "asn"),
        "identity_mode": source.get("identity_mode", IdentityMode.ANONYMOUS),
        "identity_name": str(identity.get("name", "")),
        "identity_nip": str(identity.get("nip", "")),
        "identity_unit": str(identity.get("unit", "")),
        "identity_contact": str(identity.get("contact", "")),
    }
    if _truthy(source.get("declaration")):
        data["declaration"] = "on"
    formset_data = {
        "accused-TOTAL_FORMS": str(len(accused)),
        "accused-INITIAL_FORMS": "0",
        "accused-MIN_NUM_FORMS": "0",
        "accused-MAX_NUM_FORMS": "10",
    }
    for i, person in enumerate(accused):
        for key in ("name", "position", "unit"):
            formset_data[f"accused-{i}-{key}"] = str(person.get(key, ""))
    return data, formset_data


@csrf_exempt
@require_POST
def create_report(request):
    if request.content_type == "application/json":
        try:
            source = json.loads(request.body or b"{}")
        except ValueError:
            return _error(_("The request body is not valid JSON."), 400)
        if not isinstance(source, dict):
            return _error(_("The request body must be a JSON object."), 400)
        files = []
    elif request.content_type == "multipart/form-data":
        source = request.POST.dict()
        files = request.FILES.getlist("attachments")
    else:
        return _error(_("Send multipart/form-data or application/json."), 415)
    if ratelimit.submission_blocked(request):
        ratelimit.record_refusal(request, "submission")
        return _error(_("Too many reports from here in a short time. Try again later."), 429)
    translated = _report_form_data(source)
    if isinstance(translated, JsonResponse):
        return translated
    data, formset_data = translated
    form = ReportForm(data)
    formset = AccusedFormSet(formset_data, prefix="accused")
    form_ok, formset_ok = form.is_valid(), formset.is_valid()
    if not (form_ok and formset_ok):
        fields = _form_errors((form, _FORM_TO_API))
        for i, sub in enumerate(formset.forms):
            for name, errors in sub.errors.items():
                fields.setdefault(f"accused[{i}].{name}", []).extend(str(e) for e in errors)
        if formset.non_form_errors():
            fields.setdefault("accused", []).extend(str(e) for e in formset.non_form_errors())
        return _error(_("Some fields are not valid."), 400, fields)
    try:
        uploads = check_uploads(files)
    except UploadProblem as problem:
        return _error(_("Some files were refused."), 400, {"attachments": problem.messages})
    if not ratelimit.submission_claim(request):
        ratelimit.record_refusal(request, "submission")
        return _error(_("Too many reports from here in a short time. Try again later."), 429)
    receipt = services.submit_cleaned(form.cleaned_data, formset.people(), uploads)
    return JsonResponse(
        {"registration_number": receipt.registration_number, "access_code": receipt.access_code},
        status=201,
    )


# --- reporter sessions ---------------------------------------------------------------------


def _unauthorised() -> JsonResponse:
    response = _error(
        _("The session is not valid or has ended. Log in with your access code."), 401
    )
    response["WWW-Authenticate"] = 'Bearer realm="wbs"'
    return response


def _bearer(request):
    """(session store, report, keyring) for a valid bearer token, else None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    session_key, _dot, token_key = header[7:].strip().partition(".")
    if not session_key or not token_key:
        return None
    store = SessionStore(session_key=session_key)
    if store.get("wbs_kind") != TOKEN_KIND:
        return None
    now = int(time.time())
    if now - store.get("wbs_seen", 0) > settings.WBS_REPORTER_IDLE_SECONDS:
        store.delete()
        return None
    keyring = kr.open_token_blob(store.get(kr.SESSION_FIELD, ""), token_key)
    if keyring is None:
        return None
    report = Report.objects.filter(pk=store.get("wbs_reporter_report")).first()
    if report is None or str(report.pk) not in keyring.report_ids:
        return None
    if now - store.get("wbs_seen", 0) >= 60:
        store["wbs_seen"] = now
        store.save()
    return store, report, keyring


@csrf_exempt
@require_http_methods(["POST", "DELETE"])
def reporter_session(request):
    if request.method == "DELETE":
        found = _bearer(request)
        if found is None:
            return _unauthorised()
        found[0].delete()
        return HttpResponse(status=204)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(_("The request body is not valid JSON."), 400)
    code = body.get("access_code", "") if isinstance(body, dict) else ""
    if not isinstance(code, str) or not code:
        return _error(
            _("Some fields are not valid."), 400, {"access_code": [_("This field is required.")]}
        )
    if ratelimit.lookup_blocked(request):
        ratelimit.record_refusal(request, "lookup")
        return _error(_("Too many attempts. Wait a while before trying again."), 429)
    opened = access.open_with_access_code(code[:64])
    if opened is None:
        ratelimit.lookup_failed(request)
        return _error(_("The access code is not recognised."), 401)
    report, keyring = opened
    blob, token_key = kr.seal_for_token(keyring)
    store = SessionStore()
    store["wbs_kind"] = TOKEN_KIND
    store["wbs_reporter_report"] = str(report.pk)
    store["wbs_seen"] = int(time.time())
    store[kr.SESSION_FIELD] = blob
    store.create()
    log.record(
        verb="reporter.session_opened", actor_kind="reporter", target=report, payload={"via": "api"}
    )
    return JsonResponse(
        {
            "token": f"{store.session_key}.{token_key}",
            "expires_in": settings.WBS_REPORTER_IDLE_SECONDS,
        },
        status=200,
    )


@require_GET
def reporter_report(request):
    found = _bearer(request)
    if found is None:
        return _unauthorised()
    _store, report, keyring = found
    opened = open_report(keyring, report)
    stage = PUBLIC_STAGE_OF_STATUS[report.status]
    timeline = [
        {"stage": step["stage"], "label": str(step["label"]), "date": step["on"].isoformat()}
        for step in public_timeline(report)
    ]
    return JsonResponse(
        {
            "registration_number": report.registration_number,
            "title": opened.title,
            "status": {"stage": stage, "label": str(PublicStage(stage).label)},
            "timeline": timeline,
            "messages": [
                {
                    "from": m.message.author_kind,
                    "kind": m.message.kind,
                    "date": m.message.created_on.isoformat(),
                    "body": m.body,
                }
                for m in open_messages(keyring, report, include_notes=False)
            ],
            "attachments": [
                {
                    "name": a.name,
                    "size": a.size,
                    "content_type": a.content_type,
                    "date": a.attachment.created_on.isoformat(),
                }
                for a in attachment_infos(keyring, report.attachments.all())
            ],
        }
    )


@csrf_exempt
@require_POST
def reporter_messages(request):
    found = _bearer(request)
    if found is None:
        return _unauthorised()
    _store, report, keyring = found
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(_("The request body is not valid JSON."), 400)
    form = MessageForm(body if isinstance(body, dict) else {})
    if not form.is_valid():
        return _error(_("Some fields are not valid."), 400, _form_errors((form, {})))
    services.add_reporter_message(keyring, report, form.cleaned_data["body"])
    return JsonResponse({"status": "sent"}, status=201)


@csrf_exempt
@require_POST
def reporter_attachments(request):
    found = _bearer(request)
    if found is None:
        return _unauthorised()
    _store, report, keyring = found
    if request.content_type != "multipart/form-data":
        return _error(_("Send multipart/form-data."), 415)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _error(_("Some fields are not valid."), 400, _form_errors((form, {})))
    files = form.cleaned_data["attachments"]
    if not files:
        return _error(
            _("Some fields are not valid."), 400, {"attachments": [_("Choose at least one file.")]}
        )
    try:
        already = stored_bytes(keyring, report)
        uploads = check_uploads(files, already_stored_bytes=already)
    except UploadProblem as problem:
        return _error(_("Some files were refused."), 400, {"attachments": problem.messages})
    added = services.add_reporter_evidence(keyring, report, uploads, form.cleaned_data["note"])
    return JsonResponse({"added": added}, status=201)
