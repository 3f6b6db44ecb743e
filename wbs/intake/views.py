"""The reporter's pages. No account needed; everything works without JavaScript.

Public views are listed in PUBLIC_VIEWS (the allow-list checked by the URL-walk test)."""

import base64

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wbs.accounts import ratelimit
from wbs.accounts.pages import logged_out
from wbs.audit import log
from wbs.cases import identity
from wbs.cases.choices import OPEN_STATUSES, Status
from wbs.cases.evidence import attachment_infos, stored_bytes
from wbs.cases.limits import ACCESS_CODE_TYPED_MAX, MAX_ACCUSED
from wbs.cases.models import IdentityMode, Report, public_timeline
from wbs.cases.recipients import NotAccepting
from wbs.cases.sealing import open_messages, open_report
from wbs.directory.models import MessageTemplate
from wbs.monitoring.figures import public_figures
from wbs.monitoring.services import receipt_document
from wbs.vault import access, held_files, idempotency
from wbs.vault import keyring as kr
from wbs.vault.receipts import open_receipt, seal_receipt
from wbs.vault.uploads import (
    MSG_FILES_NOT_CHECKED,
    UploadProblem,
    check_each,
    check_uploads,
    held_uploads,
    hold_checked,
    within_request_budget,
    worth_checking,
)

from . import retries, services
from .forms import AccessCodeForm, AccusedFormSet, EvidenceForm, MessageForm, ReportForm

REPORTER_SESSION = "wbs_reporter_report"
MSG_STORE_FULL = gettext_lazy(
    "The evidence has not been added: the server cannot store files at the moment, and "
    "nothing was stored. Your note is still below; please try again later."
)

RECEIPT_COOKIE = "wbs-receipt"


def home(request):
    return render(request, "intake/home.html", {"figures": public_figures()})


def _reporter_user(request):
    user = request.user
    return user if user.is_authenticated and getattr(user, "is_reporter", False) else None


def _identity_initial(request) -> dict:
    user = _reporter_user(request)
    if user is None or not request.keyring.has_private_key:
        return {}
    profile = access.open_profile(request.keyring, user)
    if not any(profile.values()):
        return {}
    return {
        "identity_mode": IdentityMode.CONFIDENTIAL,
        **{
            f"identity_{name}": profile.get(name, "") for name in ("name", "nip", "unit", "contact")
        },
    }


def _add_accused_row(post):
    data = post.copy()
    total = int(data.get("accused-TOTAL_FORMS", "1") or 1)
    data["accused-TOTAL_FORMS"] = str(min(total + 1, MAX_ACCUSED))
    return data


def _report_form(request, form, formset, *, status=200, **extra):
    # One idempotency key per report being written, kept across the form's round trips.
    key = retries.key_of(request) if request.method == "POST" else ""
    context = {
        "form": form,
        "formset": formset,
        "show_formset_errors": True,
        "submission_key": key if idempotency.valid(key) else retries.new_key(),
        **extra,
    }
    response = render(request, "intake/report_form.html", context, status=status)
    retries.give_browser_secret(request, response)
    return response


def _held_from_post(post) -> tuple[list, list[str]]:
    """Files held from earlier round trips, less those the reporter chose to remove, and a
    message for each that could not be kept (never dropped in silence)."""
    removed = set(post.getlist("remove_held"))
    held, problems = [], []
    tokens = list(dict.fromkeys(post.getlist("held_files")))  # each file once
    for token in tokens[: settings.WBS_MAX_FILES_PER_REQUEST]:
        if token in removed:
            held_files.discard(token)
        elif (item := held_files.describe(token)) is not None:
            held.append(item)
        else:
            problems.append(
                _("A file chosen earlier was not kept (too long ago): choose it again.")
            )
    return held, list(dict.fromkeys(problems))


@require_http_methods(["GET", "POST"])
@within_request_budget
def report_new(request):
    if request.method == "GET":
        form = ReportForm(initial=_identity_initial(request))
        return _report_form(request, form, AccusedFormSet(prefix="accused"))
    sending = "add_accused" not in request.POST
    # The same submission sent again (a lost answer, a double click): the same receipt, no
    # second report — before any limit or check, since nothing new is stored.
    key = retries.key_of(request)
    # The fingerprint reads every file: only for a sending that can be a replay.
    replayable = sending and idempotency.valid(key)
    fingerprint = retries.fingerprint(request) if replayable else ""
    earlier = services.replayed(key, fingerprint) if replayable else None
    if earlier is not None:
        return _receipt_response(request, earlier)
    held, lost = _held_from_post(request.POST)
    new_files = request.FILES.getlist("attachments")
    # Every file this request will check (held ones are checked again when the report is
    # sent) is counted before any is opened, accepted or refused; each is checked once.
    checks = sum(map(worth_checking, new_files)) + (len(held) if sending else 0)
    blocked = ratelimit.submission_blocked(request) or not ratelimit.file_checks_claim(
        request, checks
    )
    if blocked:
        passed, file_problems = [], ([MSG_FILES_NOT_CHECKED] if new_files else [])
    else:
        passed, file_problems = check_each(new_files, held)

    def back(form, formset, *, status, upload_problems=(), **extra):
        # The page goes back: files that passed their checks are held, not dropped (none is
        # checked for a sender being rate-limited: round trips must not fill disk or workers).
        kept, problems = hold_checked(passed)
        return _report_form(
            request,
            form,
            formset,
            status=status,
            held_files=held + kept,
            upload_problems=list(
                dict.fromkeys([*lost, *file_problems, *upload_problems, *problems])
            ),
            **extra,
        )

    if not sending:
        form = ReportForm(initial=request.POST.dict())
        formset = AccusedFormSet(_add_accused_row(request.POST), prefix="accused")
        return back(form, formset, status=200, show_formset_errors=False)
    form = ReportForm(request.POST, request.FILES)
    formset = AccusedFormSet(request.POST, prefix="accused")
    if blocked:
        ratelimit.record_refusal(request, "submission")
        return back(form, formset, status=429, rate_limited=True)
    for text in file_problems:  # at the file field too, not only in the summary
        form.add_error("attachments", text)
    if not (form.is_valid() & formset.is_valid()) or lost or file_problems:
        return back(form, formset, status=400)
    try:
        uploads = passed + held_uploads(held)
    except UploadProblem as problem:
        for text in problem.messages:
            form.add_error("attachments", text)
        return back(form, formset, status=400, upload_problems=problem.messages)
    if not ratelimit.submission_claim(request):
        ratelimit.record_refusal(request, "submission")
        return back(form, formset, status=429, rate_limited=True)
    try:
        receipt = _submit(
            request,
            form.cleaned_data,
            formset.people(),
            uploads,
            idempotency_key=key,
            fingerprint=fingerprint,
        )
    except NotAccepting:
        return back(form, formset, status=503, not_accepting=True)
    for item in held:
        held_files.discard(item.token)
    return _receipt_response(request, receipt)


def _receipt_response(request, receipt: services.Receipt):
    response = redirect("intake:receipt")
    _attach_receipt(request, response, receipt)
    # A new browser secret: the form page sent again later is a new report, not a replay.
    retries.give_browser_secret(request, response, renew=True)
    return response


def _submit(request, data, people, uploads, **retry) -> services.Receipt:
    user = _reporter_user(request)
    receipt = services.submit_cleaned(
        data,
        people,
        uploads,
        reporter_user=user,
        reporter_keyring=request.keyring if user is not None else None,
        **retry,
    )
    if user is not None:
        kr.save(request)
    return receipt


def _attach_receipt(request, response, receipt: services.Receipt) -> None:
    """Keep the receipt for one GET: ciphertext in the session, its key in a cookie."""
    sealed, key = seal_receipt({"number": receipt.registration_number, "code": receipt.access_code})
    request.session["wbs_receipt"] = sealed
    response.set_cookie(
        RECEIPT_COOKIE,
        base64.urlsafe_b64encode(key).decode(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
        path=reverse("intake:receipt"),
    )


@require_GET
def receipt(request):
    sealed = request.session.pop("wbs_receipt", None)
    cookie = request.COOKIES.get(RECEIPT_COOKIE, "")
    data = open_receipt(sealed, cookie) if sealed else None
    if data is None:
        response = render(request, "intake/receipt_gone.html", status=410)
    else:
        response = render(request, "intake/receipt.html", {"receipt": data})
    response.delete_cookie(RECEIPT_COOKIE, path=reverse("intake:receipt"), samesite="Strict")
    return response


# --- Cek Status ---------------------------------------------------------------------------


def _start_reporter_session(request, report: Report, keyring) -> None:
    request.session.flush()
    request.session.cycle_key()
    request.session[REPORTER_SESSION] = str(report.pk)
    request.session["wbs_kind"] = "reporter"
    kr.attach(request, keyring)


def _lookup_refused(request):
    """Too many wrong codes from this session or address for now."""
    ratelimit.record_refusal(request, "lookup")
    return render(
        request,
        "intake/status_login.html",
        {"form": AccessCodeForm(), "rate_limited": True},
        status=429,
    )


def _lookup_failed(request, *, counted: bool = False):
    """A code that opens nothing: counted, and the same answer for every kind of failure."""
    if not counted:
        ratelimit.lookup_failed(request)
    return render(
        request, "intake/status_login.html", {"form": AccessCodeForm(), "failed": True}, status=401
    )


REFUSED = "refused"


def _lookup(request, code: str | None):
    """(report, keyring) for a right code, REFUSED when this session (or, for a wrong code,
    this address) has guessed too often, None for a wrong code. A right code opens even when
    the address is over its limit: one guesser behind an office's NAT locks nobody out."""
    if ratelimit.lookup_session_blocked(request):
        return REFUSED
    opened = access.open_with_access_code(code) if code is not None else None
    if opened is not None:
        return opened
    over = ratelimit.lookup_address_blocked(request)
    ratelimit.lookup_failed(request)
    return REFUSED if over else None


@require_http_methods(["GET", "POST"])
def status_login(request):
    if request.method == "GET":
        return render(request, "intake/status_login.html", {"form": AccessCodeForm()})
    form = AccessCodeForm(request.POST)
    opened = _lookup(request, form.data.get("access_code", "") if form.is_valid() else None)
    if opened == REFUSED:
        return _lookup_refused(request)
    if opened is None:
        return _lookup_failed(request, counted=True)
    report, keyring = opened
    ratelimit.lookup_session_reset(request)
    _start_reporter_session(request, report, keyring)
    log.record(verb="reporter.session_opened", actor_kind="reporter", target=report)
    return redirect("intake:status_report")


def _reporter_report(request, report_id=None) -> Report:
    """The report this reporter session may see, or 404."""
    if report_id is None:
        report_id = request.session.get(REPORTER_SESSION)
    else:
        user = _reporter_user(request)
        if user is None:
            raise Http404
        report_id = str(report_id)
    if not report_id or report_id not in request.keyring.report_ids:
        raise Http404
    try:
        return Report.objects.select_related("category", "unit").get(pk=report_id)
    except Report.DoesNotExist:
        raise Http404 from None


def closing_notice(report) -> str:
    """A closed report's standard explanation when no staff message gives one (the daily task
    that closes unanswered requests holds no key, so it cannot write an encrypted message)."""
    if report.outcome == "tidak_lengkap":
        return MessageTemplate.text("incomplete")[1]
    return ""


def _report_urls(report_id):
    if report_id is None:
        return {
            "message_url": reverse("intake:status_message"),
            "evidence_url": reverse("intake:status_evidence"),
            "page_url": reverse("intake:status_report"),
        }
    return {
        "message_url": reverse("intake:account_report_message", args=[report_id]),
        "evidence_url": reverse("intake:account_report_evidence", args=[report_id]),
        "page_url": reverse("intake:account_report", args=[report_id]),
    }


def _report_page(
    request, report_id, *, message_form=None, evidence_form=None, upload_problems=None, status=200
):
    report = _reporter_report(request, report_id)
    keyring = request.keyring
    context = {
        "report": report,
        "opened": open_report(keyring, report),
        "timeline": public_timeline(report),
        "thread": open_messages(keyring, report, include_notes=False),
        "attachments": attachment_infos(keyring, report.attachments.select_related("report")),
        "message_form": message_form or MessageForm(),
        "evidence_form": evidence_form or EvidenceForm(),
        "upload_problems": upload_problems or [],
        "account_view": report_id is not None,
        "closing_notice": closing_notice(report),
        "report_closed": report.status not in OPEN_STATUSES,
        "completion_due": report.stage_due_on
        if report.status == Status.PERLU_KELENGKAPAN
        else None,
        "identity_steps": identity.reporter_steps(report),
        **_report_urls(report_id),
    }
    return render(request, "intake/status_report.html", context, status=status)


@require_GET
def status_report(request, report_id=None):
    return _report_page(request, report_id)


@require_POST
def status_message(request, report_id=None):
    report = _reporter_report(request, report_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report_id, message_form=form, status=400)
    services.add_reporter_message(request.keyring, report, form.cleaned_data["body"])
    messages.success(request, _("Your message has been sent to the Tim WBS."))
    return redirect(_report_urls(report_id)["page_url"])


@require_POST
@within_request_budget
def status_evidence(request, report_id=None):
    report = _reporter_report(request, report_id)
    form = EvidenceForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        files = form.cleaned_data["attachments"]
        if not files:
            form.add_error("attachments", _("Choose at least one file."))
        else:
            if not ratelimit.file_checks_claim(request, sum(map(worth_checking, files))):
                ratelimit.record_refusal(request, "file checks")
                return _report_page(
                    request,
                    report_id,
                    evidence_form=form,
                    upload_problems=[MSG_FILES_NOT_CHECKED],
                    status=429,
                )
            try:
                already = stored_bytes(request.keyring, report)
                uploads = check_uploads(files, already_stored_bytes=already)
            except UploadProblem as problem:
                problems = problem.messages
                for text in problems:  # at the file field as well as in the notice
                    form.add_error("attachments", text)
            else:
                try:
                    services.add_reporter_evidence(
                        request.keyring, report, uploads, form.cleaned_data["note"]
                    )
                except services.StoreFull:
                    return _report_page(
                        request,
                        report_id,
                        evidence_form=form,
                        upload_problems=[MSG_STORE_FULL],
                        status=503,
                    )
                messages.success(request, _("Your evidence has been added."))
                return redirect(_report_urls(report_id)["page_url"])
    return _report_page(
        request, report_id, evidence_form=form, upload_problems=problems, status=400
    )


@require_POST
def status_logout(request):
    return logged_out(request, "intake:home")


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


PUBLIC_VIEWS = {
    "intake:home",
    "intake:receipt_pdf",
    "intake:report_new",
    "intake:receipt",
    "intake:status_login",
    "intake:status_logout",
}


# --- Tanda Terima (PDF) -------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_POST
def receipt_pdf(request):
    """From the one-time receipt page: the code authorises the download; it is printed only if
    the reporter ticks the box. Counted like a code lookup."""
    opened = _lookup(request, request.POST.get("access_code", "")[:ACCESS_CODE_TYPED_MAX])
    if opened == REFUSED:
        return _lookup_refused(request)
    if opened is None:
        return _lookup_failed(request, counted=True)
    report = opened[0]
    code = request.POST.get("access_code") if request.POST.get("include_code") else None
    content, filename = receipt_document(report, access_code=code)
    return _pdf_response(content, filename)


@require_GET
def status_receipt_pdf(request, report_id=None):
    """For a reporter already in their report: the receipt without the code."""
    report = _reporter_report(request, report_id)
    content, filename = receipt_document(report)
    return _pdf_response(content, filename)
