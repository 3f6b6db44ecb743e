"""Reporter API (JSON under /api/v1/), on django-ninja: the same vault, the same rules as the
pages (wbs.intake.rules, wbs.cases.limits), described by the OpenAPI document generated from
the schemas in wbs.intake.schemas and served at /api/v1/openapi.json.

Errors are JSON: {"error": "<Indonesian message>", "fields": {"field": ["message", ...]}}.
Bearer tokens are `<session key>.<keyring key>`: the server keeps the keyring encrypted in the
session store, the key to it only travels in the token. The API takes no cookie: a report sent
here is anonymous even from a browser where a registered reporter is logged in.
"""

import json
import time
from importlib import import_module

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja import File, Form, NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from wbs.accounts import ratelimit
from wbs.audit import log
from wbs.cases.evidence import attachment_infos, stored_bytes
from wbs.cases.limits import ACCESS_CODE_TYPED_MAX, MESSAGE_MAX
from wbs.cases.models import PUBLIC_STAGE_OF_STATUS, PublicStage, Report, public_timeline
from wbs.cases.recipients import NotAccepting
from wbs.cases.sealing import open_messages, open_report
from wbs.directory.models import Category, Unit
from wbs.monitoring.figures import public_figures
from wbs.vault import access, idempotency
from wbs.vault import keyring as kr
from wbs.vault.uploads import (
    UploadProblem,
    check_uploads,
    request_budget,
    worth_checking,
)

from . import api_input, retries, schemas, services
from .api_input import ApiError

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
TOKEN_KIND = "reporter-api"  # noqa: S105 - a session kind, not a password  # nosec B105
ERRORS = {400: schemas.ErrorOut, 429: schemas.ErrorOut}
AUTH_ERRORS = {401: schemas.ErrorOut}


class ReporterToken(HttpBearer):
    """`Authorization: Bearer <token>` from POST /reporter/session; request.auth becomes
    (session store, report, keyring)."""

    def authenticate(self, request, token):
        session_key, _dot, token_key = token.strip().partition(".")
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


class ReporterAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Paths relative to the server URL (/api/v1), and the report bodies' schemas, which
        # the operation documents itself (it reads JSON, multipart and URL-encoded bodies).
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        schema["components"]["schemas"].update(
            api_input.body_schemas(schemas.SessionIn, schemas.MessageIn)
        )
        return schema


api = ReporterAPI(
    title="WBS — API Pelapor",
    version="1.0.0",
    description=(
        "Reporter API of the Whistleblowing System. No account is needed: a report returns "
        "a registration number and a secret access code (shown once). The access code is "
        "exchanged for a bearer token; it is never sent in a URL. Error messages are in "
        "Bahasa Indonesia unless the request's Accept-Language asks for English."
    ),
    servers=[{"url": "/api/v1"}],
    urls_namespace="api",
    openapi_url=None,  # served by our own view: no ninja docs page (it loads from a CDN)
    docs_url=None,
)
token = ReporterToken()


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    return _api_error(request, api_input.from_ninja(exc.errors))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # The only HttpError ninja raises itself on this API: a body that is not JSON.
    return _api_error(request, ApiError(400, _("The request body is not valid JSON.")))


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = _api_error(
        request,
        ApiError(401, _("The session is not valid or has ended. Log in with your access code.")),
    )
    response["WWW-Authenticate"] = 'Bearer realm="wbs"'
    return response


@require_GET
def openapi_document(request):
    return HttpResponse(
        json.dumps(api.get_openapi_schema()), content_type="application/json; charset=utf-8"
    )


@api.get("/health", response=schemas.HealthOut, url_name="health", summary="Liveness")
def health(request):
    return {"status": "ok"}


@api.get(
    "/public/figures",
    response=schemas.FiguresOut,
    url_name="public_figures",
    summary="Public figures (small counts suppressed)",
)
def public_figures_view(request):
    figures = public_figures()
    return {
        "received": figures["received"].as_json(),
        "completed": figures["completed"].as_json(),
        "confidentiality": _("Your identity is kept confidential."),
    }


@api.get(
    "/public/categories",
    response=schemas.CategoriesOut,
    url_name="public_categories",
    summary="Categories of violation",
)
def public_categories(request):
    rows = Category.objects.filter(active=True).values("code", "name", "description")
    return {"categories": list(rows)}


@api.get(
    "/public/units", response=schemas.UnitsOut, url_name="public_units", summary="Perangkat Daerah"
)
def public_units(request):
    return {"units": list(Unit.objects.filter(active=True).values("id", "name", "kind"))}


def _too_many():
    return ApiError(429, _("Too many reports from here in a short time. Try again later."))


def _too_many_checks():
    return ApiError(
        429,
        _("Too many files have been checked from here in the last hour. Try again later."),
        {"attachments": [_("Too many files have been checked from here in the last hour.")]},
    )


@api.post(
    "/reports",
    response={
        201: schemas.ReceiptOut,
        413: schemas.ErrorOut,
        415: schemas.ErrorOut,
        503: schemas.ErrorOut,
        **ERRORS,
    },
    url_name="reports",
    summary="Submit a report",
    description=(
        "Stored encrypted. Show the access code to the reporter once. Send an "
        "`Idempotency-Key` (made up at random once per report) to make retries safe: the same "
        "request sent again with the same key gets the same receipt and stores nothing new."
    ),
    openapi_extra={**api_input.REPORT_REQUEST_BODY, "parameters": [api_input.IDEMPOTENCY_HEADER]},
)
def create_report(request):
    key = request.headers.get(retries.HEADER, "").strip()
    if key and not idempotency.valid(key):
        message = _("Idempotency-Key: 22 to 128 letters, digits, - or _, made up once per report.")
        raise ApiError(400, message, {"Idempotency-Key": [message]})
    source, files = api_input.report_source(request)
    fingerprint = retries.fingerprint(request) if key else ""  # it reads every file
    earlier = services.replayed(key, fingerprint) if key else None
    if earlier is not None:  # a retry of a stored submission: its receipt, nothing new
        return Status(201, _receipt_body(earlier))
    if ratelimit.submission_blocked(request):
        ratelimit.record_refusal(request, "submission")
        raise _too_many()
    data, people = api_input.cleaned_report(source)
    if not ratelimit.file_checks_claim(request, sum(map(worth_checking, files))):
        ratelimit.record_refusal(request, "file checks")
        raise _too_many_checks()
    try:
        with request_budget():
            uploads = check_uploads(files)
    except UploadProblem as problem:
        raise ApiError(
            400, _("Some files were refused."), {"attachments": problem.messages}
        ) from None
    if not ratelimit.submission_claim(request):
        ratelimit.record_refusal(request, "submission")
        raise _too_many()
    try:
        receipt = services.submit_cleaned(
            data, people, uploads, idempotency_key=key, fingerprint=fingerprint
        )
    except NotAccepting:
        raise ApiError(
            503, _("The system cannot accept reports at the moment; nothing was stored.")
        ) from None
    return Status(201, _receipt_body(receipt))


def _receipt_body(receipt: services.Receipt) -> dict:
    return {"registration_number": receipt.registration_number, "access_code": receipt.access_code}


# --- reporter sessions ---------------------------------------------------------------------


@api.post(
    "/reporter/session",
    response={200: schemas.TokenOut, 401: schemas.ErrorOut, **ERRORS},
    url_name="reporter_session",
    summary="Exchange an access code for a bearer token",
    description="Every unknown code gets the same generic 401.",
    openapi_extra=api_input.documented_body(schemas.SessionIn, "application/json"),
)
def reporter_session(request):
    payload = api_input.json_body(request, schemas.SessionIn)
    if ratelimit.lookup_session_blocked(request):
        ratelimit.record_refusal(request, "lookup")
        raise ApiError(429, _("Too many attempts. Wait a while before trying again."))
    opened = access.open_with_access_code(payload.access_code[:ACCESS_CODE_TYPED_MAX])
    if opened is None:
        # A right code opens even when the address is over its limit (an office's NAT);
        # a wrong one from such an address gets the 429.
        over = ratelimit.lookup_address_blocked(request)
        ratelimit.lookup_failed(request)
        if over:
            ratelimit.record_refusal(request, "lookup")
            raise ApiError(429, _("Too many attempts. Wait a while before trying again."))
        raise ApiError(401, _("The access code is not recognised."))
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
    return Status(
        200,
        {
            "token": f"{store.session_key}.{token_key}",
            "expires_in": settings.WBS_REPORTER_IDLE_SECONDS,
        },
    )


@api.delete(
    "/reporter/session",
    auth=token,
    response={204: None, **AUTH_ERRORS},
    url_name="reporter_session",
    summary="End the session",
)
def reporter_session_end(request):
    store, _report, _keyring = request.auth
    store.delete()
    return Status(204, None)


@api.get(
    "/reporter/report",
    auth=token,
    response={200: schemas.ReportOut, **AUTH_ERRORS},
    by_alias=True,
    url_name="reporter_report",
    summary="The reporter's report: status, timeline, messages, attachment names",
)
def reporter_report(request):
    _store, report, keyring = request.auth
    opened = open_report(keyring, report)
    stage = PUBLIC_STAGE_OF_STATUS[report.status]
    return {
        "registration_number": report.registration_number,
        "title": opened.title,
        "status": {"stage": stage, "label": str(PublicStage(stage).label)},
        "timeline": [
            {"stage": step["stage"], "label": str(step["label"]), "date": step["on"]}
            for step in public_timeline(report)
        ],
        "messages": [
            {
                "from": m.message.author_kind,
                "kind": m.message.kind,
                "date": m.message.created_on,
                "body": m.body,
            }
            for m in open_messages(keyring, report, include_notes=False)
        ],
        "attachments": [
            {
                "name": a.name,
                "size": a.size,
                "content_type": a.content_type,
                "date": a.attachment.created_on,
            }
            for a in attachment_infos(keyring, report.attachments.all())
        ],
    }


@api.post(
    "/reporter/messages",
    auth=token,
    response={201: schemas.SentOut, **AUTH_ERRORS, **ERRORS},
    url_name="reporter_messages",
    summary="Send a message to the Tim WBS",
    openapi_extra=api_input.documented_body(schemas.MessageIn, "application/json"),
)
def reporter_messages(request):
    _store, report, keyring = request.auth
    payload = api_input.json_body(request, schemas.MessageIn)
    services.add_reporter_message(keyring, report, payload.body)
    return Status(201, {"status": "sent"})


@api.post(
    "/reporter/attachments",
    auth=token,
    response={
        201: schemas.AddedOut,
        415: schemas.ErrorOut,
        503: schemas.ErrorOut,
        **AUTH_ERRORS,
        **ERRORS,
    },
    url_name="reporter_attachments",
    summary="Add evidence",
)
def reporter_attachments(
    request,
    attachments: File[list[UploadedFile]] = None,
    note: Form[str] = "",
):
    _store, report, keyring = request.auth
    if request.content_type != "multipart/form-data":
        raise ApiError(415, _("Send multipart/form-data."))
    note = note.strip()
    if "\x00" in note:
        raise api_input.invalid({"note": [str(ProhibitNullCharactersValidator.message)]})
    if len(note) > MESSAGE_MAX:
        raise api_input.invalid({"note": [api_input.too_long(MESSAGE_MAX, len(note))]})
    if not attachments:
        raise api_input.invalid({"attachments": [_("Choose at least one file.")]})
    if not ratelimit.file_checks_claim(request, sum(map(worth_checking, attachments))):
        ratelimit.record_refusal(request, "file checks")
        raise _too_many_checks()
    try:
        with request_budget():
            uploads = check_uploads(attachments, already_stored_bytes=stored_bytes(keyring, report))
    except UploadProblem as problem:
        raise ApiError(
            400, _("Some files were refused."), {"attachments": problem.messages}
        ) from None
    try:
        added = services.add_reporter_evidence(keyring, report, uploads, note)
    except services.StoreFull:
        raise ApiError(
            503, _("The server cannot store files at the moment; nothing was stored.")
        ) from None
    return Status(201, {"added": added})
