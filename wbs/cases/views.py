"""The Tim WBS's pages: inbox, case page, workflow actions, downloads (identity release and
role approvals are in key_views).

Every view is behind staff_required (password + TOTP + keyring); reports are fetched through
inbox.report_for(), which gives 404 to anyone who may not see the report. Every view of a case,
download and identity action writes exactly one audit event.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wbs.accounts import alerts
from wbs.accounts.decorators import staff_required
from wbs.accounts.models import Role
from wbs.audit import log
from wbs.cases.inbox import CASE_ROLES
from wbs.directory.models import MessageTemplate
from wbs.vault import grants
from wbs.vault.uploads import UploadProblem

from . import drafts, evidence, guidance, identity, inbox, sealing, services, versioning, workflow
from . import forms as case_forms
from .choices import OPEN_STATUSES
from .models import Attachment, public_timeline

PAGE_SIZE = 25


class CachedCountPaginator(Paginator):
    """The total of a filtered inbox (a COUNT over up to every report) is cached per metadata
    version: exact, and computed once between changes."""

    def __init__(self, *args, cache_key: str, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key
        self.known_count = known_count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return versioning.cached(self.cache_key, lambda: Paginator.count.func(self))


# --- inbox ------------------------------------------------------------------------------------


@staff_required()
@require_GET
def home(request):
    if back := drafts.resume(request):
        return back  # to the text sent after the session expired
    if inbox.may_use_inbox(request.user):
        return redirect("cases:inbox")
    if request.user.has_role(Role.PEMBINA):
        return redirect("monitoring:dashboard")
    if request.user.has_role(Role.ADMIN):
        return redirect("administration:index")
    if request.user.has_role(Role.CUSTODIAN):
        return redirect("cases:identity_requests")
    return render(
        request, "cases/no_inbox.html", {"guidance": guidance.access_guidance(request.user)}
    )


@staff_required(*CASE_ROLES)
@require_GET
def inbox_view(request):
    user = request.user
    form = case_forms.InboxFilterForm(request.GET or None)
    reports = inbox.visible_reports(user).select_related("category", "unit", "wilayah", "assignee")
    today = timezone.localdate()
    queue_code = request.GET.get("queue") or ""
    queue = inbox.QUEUE_BY_CODE.get(queue_code)
    if queue is not None and queue.roles & user.roles:
        reports = reports.filter(queue.condition)
    sort = "-received_on"
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        filtered = any(value for name, value in data.items() if name != "sort")
        if data["q"]:
            # Numbers are stored upper-case: an exact match uses the unique index.
            reports = reports.filter(registration_number=data["q"].strip().upper())
        if data["status"]:
            reports = reports.filter(status=data["status"])
        for name in ("category", "unit", "wilayah"):
            if data[name]:
                reports = reports.filter(**{name: data[name]})
        if data["mine"]:
            reports = reports.filter(assignee=user)
        if data["due"] == "overdue":
            reports = reports.filter(inbox.overdue_q(today))
        elif data["due"] == "soon":
            reports = reports.filter(inbox.due_by_q(inbox.near_due_limit(today), today))
        if data["received_from"]:
            reports = reports.filter(received_on__gte=data["received_from"])
        if data["received_to"]:
            reports = reports.filter(received_on__lte=data["received_to"])
        sort = data["sort"] or sort
    # The tie-break runs in the same direction, so one index serves the whole ORDER BY.
    tiebreak = "-registration_number" if sort.startswith("-") else "registration_number"
    reports = reports.order_by(sort, tiebreak)
    # Roles decide what is visible; today decides "overdue" and "due soon".
    count_key = "inbox-count:{}:{}:{}:{}".format(
        user.pk,
        sorted(user.roles),
        today,
        sorted((k, v) for k, v in request.GET.items() if k != "page"),
    )
    histogram = inbox.histogram(user)
    queues = inbox.queue_counts(user, histogram)
    # Without filters the total is already known from the same histogram: one count over
    # every report fewer.
    known = None
    if not filtered:
        if queue is not None and queue.roles & user.roles:
            known = {q.code: n for q, n in queues}[queue.code]
        else:
            known = inbox.visible_total(user, histogram)
    page = CachedCountPaginator(
        reports, PAGE_SIZE, cache_key=count_key, known_count=known
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    grants.preload(request.keyring, rows)
    near = inbox.near_due_limit(today)
    items = []
    for report in rows:
        title = (
            sealing.open_title(request.keyring, report)
            if request.keyring.holds(report.pk)
            else None
        )
        overdue = bool(
            report.stage_due_on and report.stage_due_on < today and not report.clock_paused
        )
        soon = bool(
            report.stage_due_on and today <= report.stage_due_on <= near and not report.clock_paused
        )
        answer_late = inbox.answer_overdue(report, today)
        answer_soon = inbox.answer_soon(report, today, near)
        items.append(
            {
                "report": report,
                "title": title,
                "overdue": overdue or answer_late,
                "soon": soon or answer_soon,
                "stage_overdue": overdue,
                "stage_soon": soon,
                "answer_late": answer_late,
                "answer_soon": answer_soon,
            }
        )
    opened = [item["report"].registration_number for item in items if item["title"] is not None]
    if opened:  # bulk decryption is traced: which reports' titles this page opened, one event
        log.record(verb="inbox.titles_opened", actor=user, payload={"reports": opened})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/inbox.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "queues": queues,
            "queue": queue_code,
            "news_count": {q.code: n for q, n in queues}.get("pesan_baru", 0),
            "guidance": guidance.access_guidance(
                user, locked_rows=any(item["title"] is None for item in items)
            ),
            "query": query.urlencode(),
            "pending_identity": inbox.pending_identity_requests(user)
            if user.has_role(Role.CUSTODIAN)
            else None,
        },
    )


# --- case page -------------------------------------------------------------------------------


def _case_context(request, report, **extra):
    keyring = request.keyring
    user = request.user
    holds_key = keyring.holds(report.pk)
    context = {
        "report": report,
        "holds_key": holds_key,
        "timeline": report.history.select_related("actor").order_by("id"),
        "public_timeline": public_timeline(report),
        "actions": [],
        "forms": {},
        "today": timezone.localdate(),
        "report_closed": report.status not in OPEN_STATUSES,
    }
    if holds_key:
        context.update(
            {
                "opened": sealing.open_report(keyring, report),
                "thread": sealing.open_messages(keyring, report, include_notes=True),
                "attachments": evidence.attachment_infos(
                    keyring, report.attachments.select_related("report")
                ),
                "reviews": services.open_reviews(keyring, report),
                "follow_up": services.open_follow_up(keyring, report),
                "result": services.open_result(keyring, report),
                "screenings": services.open_screenings(keyring, report),
            }
        )
        for transition in workflow.allowed_actions(report, user):
            context["actions"].append(transition)
            context["forms"][transition.action] = extra.pop(
                f"form_{transition.action}", None
            ) or case_forms.action_form(transition.action, report=report)
        context["can_write"] = services.may_write(user, report)
        context["can_edit_review"] = services.may_edit_review(user, report)
        if context["can_edit_review"]:
            context["review_form"] = extra.pop("review_form", None) or case_forms.ReviewForm(
                initial=services.review_initial(keyring, report)
            )
        context["message_form"] = extra.pop("message_form", None) or case_forms.StaffMessageForm()
        context["note_form"] = extra.pop("note_form", None) or case_forms.NoteForm()
    context["identity"] = identity.panel(keyring, report, user)
    context["identity_request_form"] = case_forms.IdentityRequestForm()
    context["identity_decision_form"] = case_forms.IdentityDecisionForm()
    context.update(extra)
    return context


@staff_required(*CASE_ROLES)
@require_GET
def case(request, number):
    report = inbox.report_for(request, number)
    log.record(verb="case.viewed", actor=request.user, target=report)
    news_since = services.reporter_news_seen(request.user, request.keyring, report)
    restored = drafts.restore(request, report)
    response = render(
        request,
        "cases/case.html",
        _case_context(request, report, news_since=news_since, **restored),
    )
    if restored:
        drafts.forget(response)
    return response


@staff_required(*CASE_ROLES)
@require_POST
@drafts.keeps_typed_text("action")
def action(request, number, action):
    report = inbox.report_for(request, number, need_key=True)
    if action not in case_forms.ACTION_FORMS:
        raise Http404
    form = case_forms.action_form(action, request.POST, request.FILES, report=report)
    if not form.is_valid():
        return _case_error(request, report, action, form)
    data = dict(form.cleaned_data)
    try:
        if action == "submit_result":
            data["attachment"] = services.store_staff_files(
                request.keyring,
                report,
                request.user,
                data.pop("attachments", []),
                purpose=Attachment.Purpose.RESULT,
            )
        if action == "complete" and not data.get("message"):
            data["message"] = MessageTemplate.text(f"done_{data['outcome']}")[1]
        workflow.apply(report, action, actor=request.user, keyring=request.keyring, data=data)
    except workflow.TransitionError as exc:
        form.add_error(None, exc.message)
        return _case_error(request, report, action, form)
    except UploadProblem as problem:
        for text in problem.messages:  # the file field is the place; else the form's top
            form.add_error("attachments" if "attachments" in form.fields else None, text)
        return _case_error(request, report, action, form)
    messages.success(request, _("Saved: %(step)s.") % {"step": workflow.TRANSITIONS[action].label})
    return redirect("cases:case", number=report.registration_number)


def _case_error(request, report, action, form):
    return render(
        request,
        "cases/case.html",
        _case_context(request, report, **{f"form_{action}": form, "error_action": action}),
        status=400,
    )


@staff_required(Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR)
@require_POST
@drafts.keeps_typed_text("message")
def message(request, number):
    report = inbox.report_for(request, number, need_key=True)
    form = case_forms.StaffMessageForm(request.POST)
    if not services.may_write(request.user, report):
        raise Http404
    if not form.is_valid():
        return render(
            request,
            "cases/case.html",
            _case_context(request, report, message_form=form),
            status=400,
        )
    services.staff_message(request.keyring, report, request.user, form.cleaned_data["body"])
    messages.success(request, _("Your message has been sent to the reporter."))
    return redirect("cases:case", number=report.registration_number)


@staff_required(*CASE_ROLES)
@require_POST
@drafts.keeps_typed_text("note")
def note(request, number):
    report = inbox.report_for(request, number, need_key=True)
    form = case_forms.NoteForm(request.POST)
    if not form.is_valid():
        return render(
            request, "cases/case.html", _case_context(request, report, note_form=form), status=400
        )
    services.staff_note(request.keyring, report, request.user, form.cleaned_data["body"])
    return redirect("cases:case", number=report.registration_number)


@staff_required(Role.PENELAAH)
@require_POST
@drafts.keeps_typed_text("review")
def review(request, number):
    report = inbox.report_for(request, number, need_key=True)
    if not services.may_edit_review(request.user, report):
        raise Http404
    form = case_forms.ReviewForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "cases/case.html", _case_context(request, report, review_form=form), status=400
        )
    data = dict(form.cleaned_data)
    try:
        services.store_staff_files(
            request.keyring,
            report,
            request.user,
            data.pop("attachments", []),
            purpose=Attachment.Purpose.REVIEW,
        )
    except UploadProblem as problem:
        for text in problem.messages:
            form.add_error("attachments", text)
        return render(
            request, "cases/case.html", _case_context(request, report, review_form=form), status=400
        )
    services.save_review(request.keyring, report, request.user, data)
    messages.success(request, _("The telaahan draft has been saved."))
    return redirect("cases:case", number=report.registration_number)


# --- downloads ---------------------------------------------------------------------------


def _download(request, number, attachment_id, *, original: bool):
    report = inbox.report_for(request, number, need_key=True)
    attachment = get_object_or_404(
        Attachment.objects.select_related("report"), pk=attachment_id, report=report
    )
    try:
        evidence.check_before_serving(request.keyring, attachment, original=original)
    except evidence.Damaged as refused:
        alerts.alert(
            "attachment.damaged",
            actor=request.user,
            target=report,
            payload={"attachment": str(attachment.pk), "original": original},
        )
        messages.error(request, refused.message)
        return redirect("cases:case", number=report.registration_number)
    except evidence.Quarantined as refused:
        log.record(
            verb="attachment.refused_by_antivirus",
            actor=request.user,
            target=report,
            payload={"attachment": str(attachment.pk), "scan": attachment.scan},
        )
        messages.error(request, refused.message)
        return redirect("cases:case", number=report.registration_number)
    info, chunks = evidence.open_attachment(request.keyring, attachment, original=original)
    log.record(
        verb="attachment.original_downloaded" if original else "attachment.downloaded",
        actor=request.user,
        target=report,
        payload={"attachment": str(attachment.pk)},
    )
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, info.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@staff_required(*CASE_ROLES)
@require_GET
def download(request, number, attachment_id):
    """The cleaned copy (metadata removed): what handlers open by default."""
    return _download(request, number, attachment_id, original=False)


@staff_required(*CASE_ROLES)
@require_POST
def download_original(request, number, attachment_id):
    """The original file, on an explicit, audited request."""
    return _download(request, number, attachment_id, original=True)
