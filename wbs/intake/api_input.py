"""From an API request to the validated input of the services, and from every refusal to the
API's one error shape: {"error": message, "fields": {field: [messages]}}.

Field messages are the web form's own (Django's messages for required, length, choice and
type errors; wbs.intake.rules for ours), in the request's language. Field names follow the API:
"period", "identity.name", "accused[0].name"."""

import contextlib
import copy
import json

from django import forms
from django.core import validators
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _
from pydantic import ValidationError

from wbs.cases.models import ReporterType
from wbs.directory.models import Category, OrganisationProfile, Unit

from . import rules
from .schemas import JSON_TEXT_FIELDS, RULE, ReportIn

REF = "#/components/schemas/{model}"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# The web form's field names where the API's differ (rules name the form's fields).
_API_NAME = {
    "incident_period": "period",
    "identity_name": "identity.name",
    "identity_nip": "identity.nip",
    "identity_unit": "identity.unit",
    "identity_contact": "identity.contact",
}


class ApiError(Exception):
    """A refusal with its HTTP status, a message for people and the field map."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}

    def body(self) -> dict:
        return {
            "error": str(self.message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
        }


def invalid(fields: dict) -> ApiError:
    return ApiError(400, _("Some fields are not valid."), fields)


def too_long(limit: int, length: int) -> str:
    return validators.MaxLengthValidator.message % {"limit_value": limit, "show_value": length}


def _msg_list_of_people() -> str:
    return _("Give a list of objects with name, position, unit.")


def _msg_identity_object() -> str:
    return _("Give an object with name, nip, unit, contact.")


_OBJECT_TYPES = {"model_type", "model_attributes_type", "dict_type"}
# The web form's own "required" messages where it has one.
_REQUIRED = {("declaration",): rules.MSG_DECLARATION, ("accused",): rules.MSG_NO_ACCUSED}


def _message(error: dict) -> str:
    """The web form's message for one pydantic error."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == RULE:
        return error["msg"]
    if kind == "missing" or (kind == "string_too_short" and value == ""):
        return str(
            _REQUIRED.get(tuple(error["loc"]), forms.Field.default_error_messages["required"])
        )
    if kind == "string_too_long":
        return too_long(ctx["max_length"], len(value))
    if kind == "string_too_short":
        return validators.MinLengthValidator.message % {
            "limit_value": ctx["min_length"],
            "show_value": len(value),
        }
    if kind == "too_long":
        return BaseFormSet.default_error_messages["too_many_forms"] % {"num": ctx["max_length"]}
    if kind == "too_short":
        return str(rules.MSG_NO_ACCUSED)
    if kind.startswith("int"):
        return str(forms.IntegerField.default_error_messages["invalid"])
    if kind.startswith("date"):
        return str(forms.DateField.default_error_messages["invalid"])
    if kind == "literal_error":
        # The form would quote the value; the API does not echo input back.
        return str(forms.ModelChoiceField.default_error_messages["invalid_choice"])
    return str(validators.RegexValidator.message)


def _key(loc, ctx: dict) -> str:
    key = ""
    for part in (*loc, *([ctx["field"]] if ctx.get("field") else [])):
        key += f"[{part}]" if isinstance(part, int) else ("." if key else "") + str(part)
    return key


def field_errors(errors) -> dict[str, list[str]]:
    """pydantic errors → field map (API names)."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc, kind = tuple(error["loc"]), error["type"]
        if loc[:1] == ("accused",) and (kind == "list_type" or kind in _OBJECT_TYPES):
            key, message = "accused", _msg_list_of_people()
        elif loc == ("identity",) and kind in _OBJECT_TYPES:
            key, message = "identity", _msg_identity_object()
        else:
            key, message = _key(loc, error.get("ctx") or {}), _message(error)
        if message not in fields.get(key or "non_field_errors", []):
            fields.setdefault(key or "non_field_errors", []).append(message)
    return fields


def from_ninja(errors: list[dict]) -> ApiError:
    """Errors of ninja's own parameter parsing: locations start with the source ("body",
    "form", "file") and, for a schema parameter, its name."""
    stripped = []
    for error in errors:
        loc = list(error["loc"])
        if loc[:1] and loc[0] in ("body", "form", "file", "query"):
            loc = loc[1:]
        if loc[:1] == ["payload"]:
            loc = loc[1:]
        if not loc and error["type"] in _OBJECT_TYPES:
            return ApiError(400, _("The request body must be a JSON object."))
        stripped.append({**error, "loc": loc})
    return invalid(field_errors(stripped))


# --- the report --------------------------------------------------------------------------------


def _json_body(request) -> dict:
    try:
        source = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        raise ApiError(400, _("The request body is not valid JSON.")) from None
    if not isinstance(source, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return source


def json_body(request, schema):
    """A JSON request body validated by `schema`. The body is read here rather than by ninja:
    a request sent as a form has had its body consumed by the size guard, and gets a clear
    answer instead of a server error."""
    if request.content_type in FORM_TYPES:
        raise ApiError(415, _("Send application/json."))
    try:
        return schema.model_validate(_json_body(request))
    except ValidationError as exc:
        raise invalid(field_errors(exc.errors(include_url=False))) from None


def documented_body(schema, *content_types: str) -> dict:
    """An operation's `openapi_extra` naming its request body's schema component."""
    ref = {"schema": {"$ref": REF.format(model=schema.__name__)}}
    return {"requestBody": {"required": True, "content": dict.fromkeys(content_types, ref)}}


def _form_body(request) -> dict:
    """Form fields; the structured ones arrive as JSON text (text that is not JSON is kept,
    and refused by the schema with the field's message)."""
    source = request.POST.dict()
    for name in JSON_TEXT_FIELDS:
        if source.get(name, "") == "":
            source.pop(name, None)
            continue
        with contextlib.suppress(ValueError):
            source[name] = json.loads(source[name])
    return source


def report_source(request) -> tuple[dict, list]:
    """(fields, files) of a report sent as JSON, multipart or URL-encoded form."""
    if request.content_type == "application/json":
        return _json_body(request), []
    if request.content_type == "multipart/form-data":
        return _form_body(request), request.FILES.getlist("attachments")
    if request.content_type == "application/x-www-form-urlencoded":
        return _form_body(request), []
    raise ApiError(415, _("Send multipart/form-data or application/json."))


def _reporter_types() -> set[str]:
    allowed = {ReporterType.ASN, ReporterType.NON_ASN}
    if OrganisationProfile.get().public_may_report:
        allowed.add(ReporterType.PUBLIC)
    return allowed


def cleaned_report(source: dict) -> tuple[dict, list[dict]]:
    """The report's data as the web form's cleaned data, and its named terlapor; raises
    ApiError(400) with every field refused."""
    try:
        report = ReportIn.model_validate(source)
    except ValidationError as exc:
        raise invalid(field_errors(exc.errors(include_url=False))) from None
    identity = report.identity
    data = {
        "category": Category.objects.filter(code=report.category, active=True).first(),
        "unit": Unit.objects.filter(pk=report.unit, active=True).first(),
        "title": report.title,
        "description": report.description,
        "location": report.location,
        "incident_date": report.incident_date,
        "incident_period": report.period,
        "estimated_loss": rules.parse_rupiah(report.estimated_loss),
        "reported_elsewhere": report.reported_elsewhere,
        "reported_elsewhere_to": report.reported_elsewhere_to,
        "reporter_type": report.reporter_type,
        "identity_mode": report.identity_mode,
        **{f"identity_{name}": getattr(identity, name) for name in ("name", "unit", "contact")},
        "identity_nip": identity.nip,
    }
    problems = {
        _API_NAME.get(name, name): [str(message)]
        for name, message in rules.report_problems(data).items()
    }
    choice = str(forms.ModelChoiceField.default_error_messages["invalid_choice"])
    for name in ("category", "unit"):
        if data[name] is None:
            problems[name] = [choice]
    if report.reporter_type not in _reporter_types():
        problems["reporter_type"] = [choice]
    if problems:
        raise invalid(problems)
    return data, rules.named_people([p.model_dump() for p in report.accused])


def body_schemas(*plain) -> dict:
    """OpenAPI components of the request bodies read by json_body() (`plain`) and of the
    report: ReportIn (JSON) and ReportForm (multipart and URL-encoded: the structured fields as
    JSON text, files under "attachments")."""
    components = {}
    for model in plain:
        components[model.__name__] = model.model_json_schema(ref_template=REF)
    schema = ReportIn.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    components["ReportIn"] = schema
    form = copy.deepcopy(schema)
    form["title"] = "ReportForm"
    for name in JSON_TEXT_FIELDS:
        form["properties"][name] = {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": schema["properties"][name],
            "description": f"{name} as JSON text",
        }
    form["properties"]["attachments"] = {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "description": "Evidence files (multipart only)",
    }
    components["ReportForm"] = form
    return components


IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Random, made up once per report; a retry with the same key and the same "
    "request gets the first receipt (wbs.vault.idempotency).",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{22,128}$"},
}
REPORT_REQUEST_BODY = documented_body(ReportIn, "application/json")
REPORT_REQUEST_BODY["requestBody"]["content"].update(
    {
        content_type: {"schema": {"$ref": REF.format(model="ReportForm")}}
        for content_type in ("multipart/form-data", "application/x-www-form-urlencoded")
    }
)
