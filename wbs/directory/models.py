"""Organisation data: Perangkat Daerah, Irban wilayah, categories, deadlines, holidays, profile.

All of it is data the administrator edits; `manage.py load_palembang` seeds Kota Palembang.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .palembang import TEMPLATES


class Wilayah(models.Model):
    """An Inspektur Pembantu (Irban) area: Wilayah I–IV, or Investigasi (no fixed units)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40)
    is_investigation = models.BooleanField(_("investigation"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Irban area")
        verbose_name_plural = _("Irban areas")

    def __str__(self) -> str:
        return self.short_name


class Unit(models.Model):
    """A Perangkat Daerah (OPD): the unit a report is about, routed to one Irban wilayah."""

    class Kind(models.TextChoices):
        SECRETARIAT = "sekretariat", _("Secretariat")
        DINAS = "dinas", _("Office (Dinas)")
        BADAN = "badan", _("Agency (Badan)")
        SATUAN = "satuan", _("Unit (Satuan)")
        HOSPITAL = "rsud", _("Regional hospital")
        KECAMATAN = "kecamatan", _("District (Kecamatan)")
        INSPECTORATE = "inspektorat", _("Inspectorate")

    name = models.CharField(_("name"), max_length=160, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wilayah = models.ForeignKey(
        Wilayah,
        verbose_name=_("Irban area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    mapping_assumed = models.BooleanField(
        _("mapping assumed"),
        default=False,
        help_text=_("The OPD→wilayah mapping is an assumption awaiting the client's confirmation."),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Perangkat Daerah")
        verbose_name_plural = _("Perangkat Daerah")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A category of violation (kategori pelanggaran)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.Model):
    """How long a stage may take, in working days (hari kerja) or calendar days."""

    class Stage(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        VERIFICATION = "verification", _("Verification")
        COMPLETION = "completion", _("Completion by the reporter")
        REVIEW = "review", _("Review (telaah)")
        APPROVAL = "approval", _("Approval")
        FIRST_ANSWER = "first_answer", _("First answer to the reporter")
        FOLLOW_UP = "follow_up", _("Follow-up")
        RESULT = "result", _("Result report")

    class DayUnit(models.TextChoices):
        WORKING = "hari_kerja", _("working days")
        CALENDAR = "hari_kalender", _("calendar days")

    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(0), MaxValueValidator(365)]
    )
    unit = models.CharField(
        _("unit"), max_length=20, choices=DayUnit.choices, default=DayUnit.WORKING
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    assumed = models.BooleanField(_("assumed"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.days} {self.get_unit_display()}"


class HolidayOverride(models.Model):
    """A correction to the holiday calendar decided by decree after the package was released."""

    class Kind(models.TextChoices):
        HOLIDAY = "libur", _("Holiday (not a working day)")
        WORKING_DAY = "kerja", _("Working day (cancels a holiday)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class OrganisationProfile(models.Model):
    """The installation's identity and policy switches (a single row, pk=1)."""

    government_name = models.CharField(
        _("government name"), max_length=120, default="PEMERINTAH KOTA PALEMBANG"
    )
    office_name = models.CharField(_("office name"), max_length=120, default="INSPEKTORAT DAERAH")
    city = models.CharField(_("city"), max_length=80, default="Palembang")
    app_name = models.CharField(
        _("application name"), max_length=120, default="WBS Inspektorat Daerah Kota Palembang"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=120, blank=True)
    small_count_threshold = models.PositiveSmallIntegerField(
        _("small-count threshold"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Public figures below this number are shown as “<N”."),
    )
    suppress_public_small_counts = models.BooleanField(
        _("suppress small public counts"), default=True
    )
    public_may_report = models.BooleanField(
        _("members of the public may report"),
        default=False,
        help_text=_("When off, only ASN and non-ASN employees are offered as reporter types."),
    )
    show_identity_release_to_reporter = models.BooleanField(
        _("tell the reporter of requests to open their identity, and their outcome"),
        default=True,
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years after closing)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "Closed reports older than this are destroyed by purge_expired, unless "
            "on legal hold (UU 27/2022)."
        ),
    )
    # Letters (naskah dinas)
    logo = models.ImageField(_("logo"), upload_to="logo/", blank=True)
    unit_code = models.CharField(_("unit code in letter numbers"), max_length=20, default="ITDA")
    number_pattern = models.CharField(
        _("letter number pattern"),
        max_length=80,
        default="{klasifikasi}/{urut:03d}/{unit}/{tahun}",
        help_text=_("Placeholders: {klasifikasi}, {urut}, {unit}, {tahun}."),
    )
    classification_receipt = models.CharField(
        _("classification: receipt"), max_length=20, default="700.1.2.4"
    )
    classification_review = models.CharField(
        _("classification: telaahan"), max_length=20, default="700.1.2.4"
    )
    classification_result = models.CharField(
        _("classification: result report"), max_length=20, default="700.1.2.4"
    )
    classification_recap = models.CharField(
        _("classification: recap"), max_length=20, default="700.1.2.4"
    )
    head_title = models.CharField(
        _("signatory position"), max_length=120, default="Inspektur Daerah Kota Palembang"
    )
    head_name = models.CharField(_("signatory name"), max_length=120, blank=True)
    head_rank = models.CharField(_("signatory rank/grade"), max_length=80, blank=True)
    head_nip = models.CharField(_("signatory NIP"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profile")

    def __str__(self) -> str:
        return f"{self.office_name} {self.government_name}"

    @classmethod
    def get(cls) -> "OrganisationProfile":
        profile, _created = cls.objects.get_or_create(pk=1)
        return profile


class MessageTemplate(models.Model):
    """Editable texts: messages to the reporter and the content-free notification e-mails.
    Placeholders: {nomor} (registration number, reporter messages only), {jumlah}, {aplikasi}."""

    class Code(models.TextChoices):
        COMPLETION_REQUEST = "completion_request", _("Request for completion (to reporter)")
        REJECTED = "rejected", _("Rejection (to reporter)")
        INCOMPLETE = "incomplete", _("Closed as incomplete (to reporter)")
        DONE_PROVEN = "done_terbukti", _("Completed: proven (to reporter)")
        DONE_NOT_PROVEN = "done_tidak_terbukti", _("Completed: not proven (to reporter)")
        DONE_REFERRED = "done_dilimpahkan", _("Completed: referred (to reporter)")
        STAFF_WORK = "staff_work", _("E-mail: work is waiting (to staff)")
        STAFF_DIGEST = "staff_digest", _("E-mail: daily digest (to staff)")
        STAFF_ALERT = "staff_alert", _("E-mail: security alert (to Inspektur and custodians)")
        STAFF_REPORTER_NEWS = (
            "staff_reporter_news",
            _("E-mail: the reporter wrote or added evidence (to the report's handlers)"),
        )
        REPORTER_NOTICE = (
            "reporter_notice",
            _("E-mail: news on a report (to a registered reporter)"),
        )

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.get_code_display()

    @classmethod
    def text(cls, code: str, **values) -> tuple[str, str]:
        """(subject, body) with placeholders filled; the built-in default if none is saved."""
        row = cls.objects.filter(code=code).first()
        subject, body = (row.subject, row.body) if row else TEMPLATES[code]
        return subject.format_map(_Blank(values)), body.format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key):
        return ""
