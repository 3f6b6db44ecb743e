"""The report and what hangs off it. Plain columns hold only the metadata the workflow and the
figures need (docs/design/confidentiality.md); every `*_ct` column is a SealedField: ciphertext
written and read through wbs.vault alone, bound to its table, field and row. The choices (status,
outcome…) are in wbs/cases/choices.py."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wbs.vault.fields import ROW_SELF, SealedField, SealedFile

from .choices import (
    ONGOING_LABELS,
    OPEN_STATUSES,
    PUBLIC_STAGE_OF_STATUS,
    FollowUpDecision,
    IdentityMode,
    Outcome,
    PublicStage,
    Referral,
    ReporterType,
    Status,
)


def staff_member(on_delete, *, optional: bool = False) -> models.ForeignKey:
    """Who did something on a casework row (no reverse accessor on the user)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=optional,
        blank=optional,
        related_name="+",
    )


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DITERIMA
    )
    category = models.ForeignKey(
        "directory.Category", verbose_name=_("category"), on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name=_("Perangkat Daerah"), on_delete=models.PROTECT
    )
    wilayah = models.ForeignKey(
        "directory.Wilayah",
        verbose_name=_("Irban area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reporter_type = models.CharField(
        _("reporter type"), max_length=12, choices=ReporterType.choices
    )
    identity_mode = models.CharField(_("identity"), max_length=12, choices=IdentityMode.choices)
    # Dates only: a finer time could point at who was at which desk when
    # (docs/design/confidentiality.md).
    received_on = models.DateField(_("received on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    updated_on = models.DateField(_("last activity"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reports",
    )
    # Stage clock (set only by wbs.cases.workflow). Paused while waiting for the reporter.
    stage_started_on = models.DateField(_("stage started on"), null=True, blank=True)
    stage_due_on = models.DateField(_("stage due on"), null=True, blank=True)
    clock_paused = models.BooleanField(_("clock paused"), default=False)
    paused_remaining_days = models.PositiveSmallIntegerField(
        _("working days left when the clock paused"), null=True, blank=True
    )
    first_answer_due_on = models.DateField(_("first answer due on"), null=True, blank=True)
    first_answered_on = models.DateField(_("first answered on"), null=True, blank=True)
    # Set when the reporter writes or adds evidence (any status, closed included) and nobody
    # handling the report has opened it since: the inbox's "pesan baru". A date, as above.
    reporter_news_on = models.DateField(_("new message from the reporter"), null=True, blank=True)
    follow_up_decision = models.CharField(
        _("follow-up decision"), max_length=24, choices=FollowUpDecision.choices, blank=True
    )
    referral = models.CharField(
        _("referred to"), max_length=24, choices=Referral.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    result_verified = models.BooleanField(_("result verified"), default=False)
    # Retention (UU 27/2022): destroyed by purge_expired after the period, unless on hold.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("legal hold reason"), max_length=255, blank=True)
    # Ciphertext (wbs.vault): title and the 4W+1H details under the report key; identity under
    # the identity key.
    title_ct = SealedField(_("title (encrypted)"), label="report:title", report=ROW_SELF)
    details_ct = SealedField(_("details (encrypted)"), label="report:details", report=ROW_SELF)
    identity_ct = SealedField(
        _("identity (encrypted)"),
        label="report:identity",
        key="identity",
        report=ROW_SELF,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-received_on", "registration_number"]
        indexes = [
            models.Index(fields=["status", "received_on"], name="report_status_received"),
            models.Index(fields=["received_on", "registration_number"], name="report_received"),
            models.Index(fields=["stage_due_on"], name="report_stage_due"),
            # The inbox histogram (wbs/cases/inbox.py): an index-only GROUP BY.
            models.Index(
                fields=["status", "result_verified", "reporter_news_on"],
                name="report_status_verified",
            ),
            # Covering indexes of the dashboard's two GROUP BYs (wbs/monitoring/figures.py
            # Summary): index-only scans instead of reading every wide report row.
            models.Index(fields=["received_on", "status", "referral"], name="report_figures_time"),
            models.Index(fields=["category", "unit", "wilayah"], name="report_figures_place"),
            models.Index(fields=["assignee", "status"], name="report_assignee_status"),
            models.Index(fields=["wilayah", "status"], name="report_wilayah_status"),
            models.Index(fields=["category", "received_on"], name="report_category_received"),
            models.Index(fields=["unit", "received_on"], name="report_unit_received"),
            models.Index(fields=["reporter_news_on"], name="report_reporter_news"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.registration_number

    @property
    def public_stage(self) -> str:
        return PUBLIC_STAGE_OF_STATUS[Status(self.status)]


class Accused(models.Model):
    """A terlapor. Name, position and unit are ciphertext under the report key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="accused")
    position = models.PositiveSmallIntegerField()
    data_ct = SealedField(label="accused:data")

    class Meta:
        ordering = ["position"]
        verbose_name = _("reported person")
        verbose_name_plural = _("reported persons")

    def __str__(self) -> str:
        return f"Terlapor {self.position} of {self.report_id}"


class Message(models.Model):
    """A message between the reporter and the Tim WBS, or an internal note (never shown to the
    reporter). Only the day is kept, and `seq` orders the thread."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Tim WBS")
        SYSTEM = "system", _("System")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        REQUEST = "request", _("Request for completion")
        NOTE = "note", _("Internal note")
        NOTICE = "notice", _("Notice")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = staff_member(models.SET_NULL, optional=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    created_on = models.DateField()
    body_ct = SealedField(label="message:body")

    class Meta:
        ordering = ["report", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["report", "seq"], name="message_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"Message {self.seq} of {self.report_id}"

    @property
    def visible_to_reporter(self) -> bool:
        return self.kind != self.Kind.NOTE


class Attachment(models.Model):
    """Evidence. The original and the cleaned copy are ciphertext files in the attachment
    store under random names; the name, type and size are ciphertext in `meta_ct`."""

    class Source(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Tim WBS")

    class Scan(models.TextChoices):
        CLEAN = "clean", _("No virus found")
        UNSCANNED = "unscanned", _("Not scanned (antivirus unavailable)")
        INFECTED = "infected", _("Quarantined: malware found")

    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        REVIEW = "review", _("Review (telaahan) document")
        RESULT = "result", _("Result report document")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    source = models.CharField(max_length=10, choices=Source.choices)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.EVIDENCE)
    uploaded_by = staff_member(models.SET_NULL, optional=True)
    created_on = models.DateField()
    meta_ct = SealedField(label="attachment:meta")
    original_blob = models.CharField(max_length=80)
    cleaned_blob = models.CharField(max_length=80, blank=True)
    # SHA-256 of the stored ciphertext (never of the plaintext: that would let anyone holding a
    # known document confirm it was submitted).
    original_ct_sha256 = models.CharField(max_length=64)
    cleaned_ct_sha256 = models.CharField(max_length=64, blank=True)
    # The antivirus verdict (wbs.vault.antivirus): "" when scanning is off.
    scan = models.CharField(
        _("virus scan"), max_length=10, choices=Scan.choices, blank=True, default=""
    )
    original = SealedFile(
        "attachment:original", name_field="original_blob", digest_field="original_ct_sha256"
    )
    cleaned = SealedFile(
        "attachment:cleaned", name_field="cleaned_blob", digest_field="cleaned_ct_sha256"
    )

    class Meta:
        ordering = ["report", "created_on", "id"]

    def __str__(self) -> str:
        return f"Attachment {self.id}"


class StatusChange(models.Model):
    """One row per status change (written only by wbs.cases.workflow)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = staff_member(models.SET_NULL, optional=True)
    action = models.CharField(max_length=40, blank=True)
    on = models.DateField()
    # Working days spent in the stage this change ends, and whether that was within its
    # deadline (None when the stage had no deadline): the figures' processing times.
    days_in_stage = models.PositiveIntegerField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)
    # Whether this step appears on the reporter's timeline.
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["report", "id"]
        indexes = [
            models.Index(fields=["from_status", "on"], name="change_from_on"),
            # Covers the figures' processing-time histogram (an index-only scan).
            models.Index(
                fields=["from_status", "days_in_stage", "on_time"], name="change_stage_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status}→{self.to_status}"


class Screening(models.Model):
    """The Verifikator's screening checklist, stored with each verification decision."""

    class Decision(models.TextChoices):
        REQUEST = "request", _("Ask the reporter to complete")
        REJECT = "reject", _("Reject")
        FORWARD = "forward", _("Forward for review")
        INCOMPLETE = "incomplete", _("Close as incomplete")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="screenings")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    on = models.DateField()
    complete_4w1h = models.BooleanField(_("4W+1H complete"))
    has_evidence = models.BooleanField(_("evidence present"))
    within_jurisdiction = models.BooleanField(_("within the Pemkot's jurisdiction"))
    accused_is_employee = models.BooleanField(_("reported person is a Pemkot employee"))
    decision = models.CharField(max_length=12, choices=Decision.choices)
    referral = models.CharField(max_length=24, choices=Referral.choices, blank=True)
    reason_ct = SealedField(label="screening:reason", null=True, blank=True)
    # Forwarded although a check was not ticked: the Verifikator's written reason (SOP control,
    # shown on the case page and in the Lembar Telaahan), sealed like the report.
    override_reason_ct = SealedField(label="screening:override", null=True, blank=True)

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"Screening {self.decision} of {self.report_id}"


class ReviewVersion(models.Model):
    """A version of the telaahan (structured analysis); its text is ciphertext under RK."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        RETURNED = "returned", _("Returned with notes")
        APPROVED = "approved", _("Approved")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    version = models.PositiveSmallIntegerField()
    author = staff_member(models.PROTECT)
    created_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    content_ct = SealedField(label="review:content")
    decided_by = staff_member(models.PROTECT, optional=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_note_ct = SealedField(label="review:decision_note", null=True, blank=True)

    class Meta:
        ordering = ["report", "version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="review_version_unique")
        ]

    def __str__(self) -> str:
        return f"Telaahan v{self.version} of {self.report_id}"


class FollowUp(models.Model):
    """The follow-up decision; details (Surat Tugas number and date, target) are ciphertext."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="follow_up")
    decision = models.CharField(max_length=24, choices=FollowUpDecision.choices)
    decided_by = staff_member(models.PROTECT)
    decided_on = models.DateField()
    details_ct = SealedField(label="follow_up:details", row="report_id")

    def __str__(self) -> str:
        return f"Follow-up {self.decision} of {self.report_id}"


class ResultReport(models.Model):
    """The Laporan Hasil Pengaduan: text (ciphertext) and an optional file."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="result")
    text_ct = SealedField(label="result:text", row="report_id")
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = staff_member(models.PROTECT)
    submitted_on = models.DateField()
    verified_by = staff_member(models.PROTECT, optional=True)
    verified_on = models.DateField(null=True, blank=True)
    approved_by = staff_member(models.PROTECT, optional=True)
    approved_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Result report of {self.report_id}"


class IdentityRequest(models.Model):
    """A handler's reasoned request to see the reporter's identity; a different Inspektur
    decides. On approval the identity key is sealed to the requester (wbs.vault)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_requests")
    requester = staff_member(models.PROTECT)
    created_on = models.DateField()
    reason_ct = SealedField(label="identity_request:reason")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = staff_member(models.PROTECT, optional=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reason_ct = SealedField(
        label="identity_request:decision_reason", null=True, blank=True
    )

    class Meta:
        ordering = ["report", "created_on"]

    def __str__(self) -> str:
        return f"Identity request {self.state} for {self.report_id}"


def public_timeline(report: Report) -> list[dict]:
    """The reporter's timeline: published steps, consecutive repeats of a stage collapsed; the
    stage an open report is in says that it runs ("Sedang diverifikasi")."""
    steps: list[dict] = []
    for change in report.history.filter(public=True).order_by("id"):
        stage = PUBLIC_STAGE_OF_STATUS[Status(change.to_status)]
        if steps and steps[-1]["stage"] == stage:
            continue
        steps.append({"stage": str(stage), "label": PublicStage(stage).label, "on": change.on})
    if steps and report.status in OPEN_STATUSES:
        steps[-1]["current"] = True
        steps[-1]["label"] = ONGOING_LABELS.get(PublicStage(steps[-1]["stage"]), steps[-1]["label"])
    return steps


class IdentityDecision(models.Model):
    """One identity custodian's decision on a request. An approval carries the custodian's
    share of the identity key re-sealed to the requester (wbs.vault.shares): k of them open the
    identity. `note` is the decision's reason, sealed to the requester."""

    request = models.ForeignKey(IdentityRequest, on_delete=models.CASCADE, related_name="decisions")
    custodian = staff_member(models.PROTECT)
    approved = models.BooleanField()
    released_share = models.BinaryField(null=True, blank=True)
    note = models.BinaryField()
    decided_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "custodian"], name="one_decision_each")
        ]

    def __str__(self) -> str:
        return f"Decision on {self.request_id} by {self.custodian_id}"


class CustodianNote(models.Model):
    """An identity request's reason sealed to one custodian (who may hold no report key)."""

    request = models.ForeignKey(IdentityRequest, on_delete=models.CASCADE, related_name="notes")
    custodian = staff_member(models.CASCADE)
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "custodian"], name="one_note_each")
        ]

    def __str__(self) -> str:
        return f"Note on {self.request_id} for {self.custodian_id}"


class ReporterNotice(models.Model):
    """A registered reporter who opted in to content-free e-mail about one of their reports.

    This row links the account to the report in the clear: it exists only with the reporter's
    explicit consent (the registration form says so), and holds nothing else."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="one_notice_per_report")
        ]

    def __str__(self) -> str:
        return f"Notice for report {self.report_id}"
