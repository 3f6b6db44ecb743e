"""The reporter API's request and response shapes (pydantic, through django-ninja). The OpenAPI
document at /api/v1/openapi.json is generated from them; the length limits come from
wbs.cases.limits, like the web form's, and the rules that need more than one field from
wbs.intake.rules. Messages are the web form's, in the request's language (Indonesian first)."""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from wbs.cases import limits
from wbs.directory.validators import clean_nip

from . import rules

RULE = "wbs_rule"  # the error type of a rule of ours; its message is already for people


def _rule(check):
    """A field validator from a Django-style check that raises ValidationError."""

    def validate(value):
        try:
            return check(value)
        except ValidationError as exc:
            raise PydanticCustomError(RULE, str(exc.messages[0])) from None

    return validate


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")  # as the web form accepts them


def _date(value):
    """ISO dates, and the day-month-year forms the web form takes; "" means none."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        for pattern in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(value.strip(), pattern).date()
            except ValueError:
                continue
    return value


def _yes(value):
    """Booleans as clients send them: JSON true/false, or "true", "1", "yes", "ya", "on"; null
    is false."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "ya", "on"}
    return value


def _text(value):
    """Text as the web form cleans it: null is empty, a whole number is its digits (an amount
    sent as a JSON number; a fraction is refused as not text), white space around it is
    dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # 1500000.0 is "1500000", never "1500000.0" (read as Rp15.000.000)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) else value


def _id(value):
    """A row id: a JSON number or its digits as text (a form field); true/false is no id."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value.strip() if isinstance(value, str) else value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError(RULE, str(ProhibitNullCharactersValidator.message))
    return value


Yes = Annotated[bool, BeforeValidator(_yes)]
Id = Annotated[int, BeforeValidator(_id)]
# Every text field of a request: cleaned like the web form's CharField (stripped, no NUL).
Text = Annotated[str, BeforeValidator(_text), AfterValidator(_no_nul)]


class In(BaseModel):
    """A request body: plain pydantic (no attribute lookup on odd input), unknown keys
    ignored as the web form ignores them."""

    model_config = ConfigDict(extra="ignore")


class AccusedIn(In):
    name: Text = Field("", max_length=limits.NAME_MAX)
    position: Text = Field("", max_length=limits.NAME_MAX)
    unit: Text = Field("", max_length=limits.SHORT_MAX)

    @model_validator(mode="after")
    def _has_a_name(self):
        problem = rules.person_problem(self.model_dump())
        if problem:
            raise PydanticCustomError(RULE, str(problem), {"field": "name"})
        return self


class IdentityIn(In):
    """The reporter's identity; sealed so that handlers see it only after an approved
    release. `name` is required when identity_mode is "confidential"."""

    name: Text = Field("", max_length=limits.NAME_MAX)
    nip: Text = Field("", max_length=limits.NIP_TYPED_MAX, description="NIP, 18 digits (spaces ok)")
    unit: Text = Field("", max_length=limits.SHORT_MAX)
    contact: Text = Field("", max_length=limits.SHORT_MAX)

    @field_validator("nip")
    @classmethod
    def _nip(cls, value):
        return _rule(clean_nip)(value)


class ReportIn(In):
    category: Text = Field(description="Category code (GET public/categories)")
    title: Text = Field(min_length=1, max_length=limits.TITLE_MAX)
    description: Text = Field(min_length=limits.DESCRIPTION_MIN, max_length=limits.DESCRIPTION_MAX)
    unit: Id = Field(description="Perangkat Daerah id (GET public/units)")
    location: Text = Field("", max_length=limits.SHORT_MAX)
    incident_date: Annotated[datetime.date | None, BeforeValidator(_date)] = None
    period: Text = Field(
        "",
        max_length=limits.PERIOD_MAX,
        description="Approximate period when the date is not known",
    )
    accused: list[AccusedIn] = Field(
        min_length=1, max_length=limits.MAX_ACCUSED, description="The reported persons (terlapor)"
    )
    estimated_loss: Text = Field(
        "", max_length=limits.RUPIAH_MAX, description='Rupiah, digits ("Rp1.000.000" ok)'
    )
    reported_elsewhere: Yes = False
    reported_elsewhere_to: Text = Field("", max_length=limits.SHORT_MAX)
    reporter_type: Literal["asn", "non_asn", "masyarakat"] = "asn"
    declaration: Yes = Field(
        description="The reporter declares the report true and that they are not part of it"
    )
    identity_mode: Literal["anonymous", "confidential"] = "anonymous"
    identity: Annotated[IdentityIn, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=IdentityIn
    )

    @field_validator("incident_date")
    @classmethod
    def _not_in_future(cls, value):
        return _rule(rules.check_incident_date)(value)

    @field_validator("estimated_loss")
    @classmethod
    def _rupiah(cls, value):
        _rule(rules.parse_rupiah)(value)
        return value

    @field_validator("declaration")
    @classmethod
    def _declared(cls, value):
        if not value:
            raise PydanticCustomError(RULE, str(rules.MSG_DECLARATION))
        return value

    @field_validator("accused")
    @classmethod
    def _named(cls, people):
        if not rules.named_people([p.model_dump() for p in people]):
            raise PydanticCustomError(RULE, str(rules.MSG_NO_ACCUSED))
        return people


# Multipart and URL-encoded reports carry the structured fields as JSON text.
JSON_TEXT_FIELDS = ("accused", "identity")


class ReceiptOut(Schema):
    registration_number: str
    access_code: str = Field(description="Show it to the reporter once; it is stored nowhere")


class SessionIn(In):
    # Not length-limited here: a longer code is cut to the typed maximum and fails like any
    # wrong code (one answer for every failure).
    access_code: Text = Field(min_length=1)


class TokenOut(Schema):
    token: str
    expires_in: int


class MessageIn(In):
    body: Text = Field(min_length=1, max_length=limits.MESSAGE_MAX)


class SentOut(Schema):
    status: Literal["sent"]


class AddedOut(Schema):
    added: int


class StageOut(Schema):
    stage: str
    label: str


class StepOut(StageOut):
    date: datetime.date


class MessageOut(Schema):
    from_: str = Field(alias="from")
    kind: str
    date: datetime.date
    body: str


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    date: datetime.date


class ReportOut(Schema):
    registration_number: str
    title: str
    status: StageOut
    timeline: list[StepOut]
    messages: list[MessageOut]
    attachments: list[AttachmentOut]


class HealthOut(Schema):
    status: Literal["ok"]


Count = int | Annotated[str, Field(pattern=r"^<[0-9]+$")]


class FiguresOut(Schema):
    received: Count = Field(description="A small count is shown as “<N”")
    completed: Count
    confidentiality: str


class CategoryOut(Schema):
    code: str
    name: str
    description: str


class CategoriesOut(Schema):
    categories: list[CategoryOut]


class UnitOut(Schema):
    id: int
    name: str
    kind: str


class UnitsOut(Schema):
    units: list[UnitOut]


class ErrorOut(Schema):
    error: str = Field(description="In Bahasa Indonesia unless Accept-Language asks otherwise")
    fields: dict[str, list[str]] = Field(description="Field → messages")
