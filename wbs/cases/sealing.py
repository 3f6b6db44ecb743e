"""A report's content in and out of the vault: the 4W+1H details, the terlapor, the identity and
the messages. Plaintext exists here only as the dataclasses below, for a caller whose keyring
holds the report's key; the ciphertext columns are written and read through their SealedField.
"""

import datetime
import uuid
from dataclasses import asdict, dataclass, field

from django.db.models import Max
from django.utils import timezone

from wbs.vault import access, grants
from wbs.vault.keyring import Keyring

from . import recipients
from .models import Accused, Message, Report


@dataclass(frozen=True)
class AccusedData:
    name: str
    position: str = ""
    unit: str = ""


@dataclass(frozen=True)
class ReportDetails:
    description: str
    location: str = ""
    incident_date: str = ""  # ISO date, when the reporter knows it
    incident_period: str = ""  # free text ("awal 2025", "Maret–Mei 2025")
    estimated_loss: int | None = None  # Rupiah
    reported_elsewhere: bool = False
    reported_elsewhere_to: str = ""

    @property
    def incident_date_value(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.incident_date) if self.incident_date else None


@dataclass(frozen=True)
class IdentityData:
    name: str = ""
    nip: str = ""
    unit: str = ""
    contact: str = ""

    def __bool__(self) -> bool:
        return any((self.name, self.nip, self.unit, self.contact))


@dataclass(frozen=True)
class OpenedReport:
    title: str
    details: ReportDetails
    accused: list[AccusedData] = field(default_factory=list)


@dataclass(frozen=True)
class OpenedMessage:
    message: Message
    body: str


@dataclass
class NewReport:
    """A report about to be stored: `report` unsaved, with its plain metadata set."""

    report: Report
    title: str
    details: ReportDetails
    accused: list[AccusedData]
    identity: IdentityData | None = None


def seal_new_reports(items: list[NewReport], keyring: Keyring) -> None:
    """Encrypt and save new reports with their terlapor and key grants, one bulk insert per
    table. Must run inside the caller's transaction. Side effects: a report key (and an
    identity key where identity is given) per report, which `keyring` learns, sealed to the
    recovery key and to every receiving user (wbs.cases.recipients)."""
    to = recipients.for_new_reports()  # first: NotAccepting stores nothing
    accused_rows = []
    for item in items:
        report = item.report
        keyring.new_report(report.pk, identity=bool(item.identity))
        report.title.seal(keyring, item.title)
        report.details.seal(keyring, asdict(item.details))
        if item.identity:
            report.identity.seal(keyring, asdict(item.identity))
        for position, person in enumerate(item.accused, start=1):
            row = Accused(id=uuid.uuid4(), report=report, position=position)
            row.data.seal(keyring, asdict(person))
            accused_rows.append(row)
    Report.objects.bulk_create([item.report for item in items], batch_size=1000)
    Accused.objects.bulk_create(accused_rows, batch_size=1000)
    grants.seal_new_reports(keyring, [item.report for item in items], to)


def seal_new_report(item: NewReport, keyring: Keyring, *, reporter_user=None) -> str:
    """Store one new report (see seal_new_reports) and return its new Kode Akses; a registered
    reporter also gets the report sealed to their own key."""
    seal_new_reports([item], keyring)
    (code,) = access.issue_access_codes(keyring, [item.report])
    if reporter_user is not None:
        access.seal_to_reporter(keyring, reporter_user, item.report)
    return code


def open_title(keyring: Keyring, report: Report) -> str:
    return report.title.open(keyring)


def open_report(keyring: Keyring, report: Report) -> OpenedReport:
    """The report's content; raises NoAccess unless the keyring holds the report key."""
    return OpenedReport(
        title=report.title.open(keyring),
        details=ReportDetails(**report.details.open(keyring)),
        accused=[AccusedData(**row.data.open(keyring)) for row in report.accused.all()],
    )


def open_identity(keyring: Keyring, report: Report) -> IdentityData | None:
    """The reporter's identity (None for an anonymous report); raises NoAccess unless the
    keyring holds the identity key."""
    if not report.identity:
        return None
    return IdentityData(**report.identity.open(keyring))


def add_message(
    keyring: Keyring,
    report: Report,
    *,
    body: str,
    author_kind: str,
    author=None,
    kind: str = Message.Kind.MESSAGE,
) -> Message:
    """Append an encrypted message. The caller holds the report row lock (seq is max + 1)."""
    seq = (report.messages.aggregate(m=Max("seq"))["m"] or 0) + 1
    message = Message(
        id=uuid.uuid4(),
        report=report,
        seq=seq,
        author_kind=author_kind,
        author=author,
        kind=kind,
        created_on=timezone.localdate(),
    )
    message.body.seal(keyring, body)
    message.save(force_insert=True)
    return message


def open_messages(keyring: Keyring, report: Report, *, include_notes: bool) -> list[OpenedMessage]:
    messages = report.messages.select_related("author")
    if not include_notes:
        messages = messages.exclude(kind=Message.Kind.NOTE)
    return [OpenedMessage(message=m, body=m.body.open(keyring)) for m in messages]
