"""Documents and exports for people: numbering, audit events, case documents for grant
holders only."""

import functools

from django.db import transaction
from django.utils import timezone, translation

from wbs.audit import log
from wbs.cases import services as case_services
from wbs.cases.inbox import visible_reports
from wbs.cases.models import Attachment, Report, ReviewVersion
from wbs.directory.models import OrganisationProfile
from wbs.vault import access

from . import dashboard, documents, exports
from .figures import Filters
from .models import DocumentCounter, IssuedDocument


def in_indonesian(function):
    """Documents are in Bahasa Indonesia whatever the user's interface language."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("id"):
            return function(*args, **kwargs)

    return wrapper


class NotAvailable(Exception):
    """The document does not exist yet for this report, or the caller holds no key."""


def period_label(filters: Filters) -> str:
    if filters.date_from and filters.date_to:
        if (
            (filters.date_from.month, filters.date_from.day) == (1, 1)
            and (filters.date_to.month, filters.date_to.day) == (12, 31)
            and (filters.date_from.year == filters.date_to.year)
        ):
            return f"Tahun {filters.date_from.year}"
        return f"{documents.tanggal(filters.date_from)} s.d. {documents.tanggal(filters.date_to)}"
    if filters.date_from:
        return f"sejak {documents.tanggal(filters.date_from)}"
    if filters.date_to:
        return f"sampai {documents.tanggal(filters.date_to)}"
    return "Seluruh periode"


DRAFT_NUMBER = "(konsep — belum diterbitkan)"


def recap_key(filters: Filters) -> str:
    """Which recap a letter is: its period and filters."""
    return "|".join(
        str(getattr(filters, name) or "")
        for name in ("date_from", "date_to", "category_id", "unit_id", "wilayah_id")
    )


def issued_recap(filters: Filters) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(kind="recap", report=None, key=recap_key(filters)).first()


@in_indonesian
def recap(filters: Filters, *, fmt: str, user=None, issue: bool = False) -> tuple[bytes, str]:
    """The recap for a period as PDF or XLSX (exact counts: for the Inspektur and the
    Penanggung Jawab, the Wali Kota and the KPK's MCP evidence). Audited.

    A numbered recap is issued by an explicit action (`issue`): it takes the next number once
    and the letter is kept, so every later download of that period gives the same letter.
    Until then the PDF is a konsep without a number."""
    profile = OrganisationProfile.get()
    period = period_label(filters)
    filename = f"rekapitulasi-pengaduan-{_slug(period)}.{fmt}"
    if fmt != "pdf":
        data = dashboard.build(filters, suppress=False, threshold=profile.small_count_threshold)
        log.record(verb="export.recap", actor=user, payload={"format": fmt, "period": period})
        return exports.recap_xlsx(data, period=period), filename
    issued = issued_recap(filters)
    if issued is None:
        today = timezone.localdate()
        data = dashboard.build(filters, suppress=False, threshold=profile.small_count_threshold)
        if not issue:
            content = documents.recap_pdf(data, period=period, number=DRAFT_NUMBER, day=today)
            log.record(
                verb="export.recap",
                actor=user,
                payload={"format": fmt, "period": period, "number": ""},
            )
            return content, filename
        issued = _issue_recap(filters, data, period, user, today, profile)
    log.record(
        verb="export.recap",
        actor=user,
        payload={"format": fmt, "period": period, "number": issued.number},
    )
    return bytes(issued.content), filename


def _issue_recap(filters, data, period, user, today, profile) -> IssuedDocument:
    with transaction.atomic():
        # One issuer at a time per period: a double click does not take two numbers.
        DocumentCounter.objects.select_for_update().get_or_create(
            kind=profile.classification_recap, year=today.year
        )
        issued = issued_recap(filters)
        if issued is not None:
            return issued
        number = documents.letter_number("recap", profile.classification_recap, today)
        issued = IssuedDocument.objects.create(
            kind="recap",
            key=recap_key(filters),
            number=number,
            issued_by=user,
            content=documents.recap_pdf(data, period=period, number=number, day=today),
        )
        log.record(
            verb="document.issued",
            actor=user,
            payload={"document": "rekapitulasi", "period": period, "number": number},
        )
    return issued


@in_indonesian
def register(filters: Filters, *, user=None, keyring=None, include_text: bool = False):
    """The register of reports for a period (XLSX). Text only on explicit request, only where
    the caller's keyring holds the key. Audited."""
    reports = (visible_reports(user) if user is not None else Report.objects.all()).filter(
        filters.q()
    )
    content = exports.register_xlsx(
        reports,
        keyring=keyring if include_text else None,
        title=f"Register Pengaduan — {period_label(filters)}",
    )
    payload = {"period": period_label(filters), "include_text": include_text}
    if include_text and keyring is not None:
        # Which reports' text this export decrypted (bulk decryption is traced).
        payload["reports"] = [r.registration_number for r in reports if keyring.holds(r.pk)]
    log.record(verb="export.register", actor=user, payload=payload)
    return content, f"register-pengaduan-{_slug(period_label(filters))}.xlsx"


def _issued_number(report, kind: str, classification: str, user, day) -> str:
    """The document's number, taken once: its year is that of the letter's date (`day`, the
    decision), not of the first print — approved on 30 December, printed in January, it is
    still numbered in the year of its date."""
    issued = IssuedDocument.objects.filter(report=report, kind=kind).first()
    if issued is not None:
        return issued.number
    with transaction.atomic():
        # Lock the report's row: two downloads at once take one number, not two.
        Report.objects.select_for_update().filter(pk=report.pk).first()
        issued = IssuedDocument.objects.filter(report=report, kind=kind).first()
        if issued is None:
            number = documents.letter_number(kind, classification, day)
            issued = IssuedDocument.objects.create(
                report=report, kind=kind, number=number, issued_by=user
            )
    return issued.number


def _files(report, *purposes) -> int:
    return Attachment.objects.filter(report=report, purpose__in=purposes).count()


@in_indonesian
def review_document(keyring, report, user) -> tuple[bytes, str]:
    if not keyring.holds(report.pk):
        raise NotAvailable
    approved = [
        r
        for r in case_services.open_reviews(keyring, report)
        if r["review"].state == ReviewVersion.State.APPROVED
    ]
    if not approved:
        raise NotAvailable
    profile = OrganisationProfile.get()
    number = _issued_number(
        report, "review", profile.classification_review, user, approved[0]["review"].decided_on
    )
    content = documents.review_pdf(
        report,
        approved[0],
        number,
        verification=case_services.forwarding_screening(keyring, report),
        attachments=_files(report, Attachment.Purpose.EVIDENCE, Attachment.Purpose.REVIEW),
    )
    log.record(
        verb="document.exported", actor=user, target=report, payload={"document": "lembar_telaahan"}
    )
    return content, f"lembar-telaahan-{report.registration_number}.pdf"


@in_indonesian
def result_document(keyring, report, user) -> tuple[bytes, str]:
    if not keyring.holds(report.pk):
        raise NotAvailable
    result = case_services.open_result(keyring, report)
    if result is None:
        raise NotAvailable
    profile = OrganisationProfile.get()
    if result["row"].approved_on:
        number = _issued_number(
            report, "result", profile.classification_result, user, result["row"].approved_on
        )
    else:
        number = "(konsep — belum disetujui)"
    content = documents.result_pdf(
        report,
        result,
        case_services.open_follow_up(keyring, report),
        number,
        attachments=_files(report, Attachment.Purpose.RESULT),
    )
    log.record(
        verb="document.exported", actor=user, target=report, payload={"document": "laporan_hasil"}
    )
    return content, f"laporan-hasil-{report.registration_number}.pdf"


@in_indonesian
def receipt_document(report, *, access_code: str | None = None) -> tuple[bytes, str]:
    """For the reporter. The code is printed only if it really opens this report."""
    if access_code:
        opened = access.open_with_access_code(access_code)
        if opened is None or opened[0].pk != report.pk:
            access_code = None
    profile = OrganisationProfile.get()
    number = _issued_number(
        report, "receipt", profile.classification_receipt, None, report.received_on
    )
    content = documents.receipt_pdf(report, number=number, access_code=access_code)
    log.record(verb="document.receipt", actor_kind="reporter", target=report)
    return content, f"tanda-terima-{report.registration_number}.pdf"


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
