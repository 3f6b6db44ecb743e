"""Every change of master data — OPD and their wilayah mapping, wilayah, categories, deadlines,
holidays, e-mail and message templates, the organisation profile — is in the WBS audit trail
with who, when and what changed (field: old → new), wherever it is made: the Django admin, the
administration screens or code. Model signals, so that no path is missed; the actor comes from
the request (wbs.audit.acting). Master data holds no report content and no secret."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.forms.models import model_to_dict

from wbs.audit import acting, log
from wbs.directory.models import (
    Category,
    DeadlineRule,
    HolidayOverride,
    MessageTemplate,
    OrganisationProfile,
    Unit,
    Wilayah,
)

MODELS = (
    Wilayah,
    Unit,
    Category,
    DeadlineRule,
    HolidayOverride,
    MessageTemplate,
    OrganisationProfile,
)
LIMIT = 300  # characters of a value kept in the event (a template body may be long)


def _value(value) -> str:
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file: its stored name only
        value = value.name or ""
    text = "" if value is None else str(value)
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"


def _state(instance) -> dict[str, str]:
    return {name: _value(value) for name, value in model_to_dict(instance).items()}


def _before(sender, instance, raw=False, **kwargs):
    if raw or acting.is_quiet():
        return
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk is not None else None
    instance._wbs_audit_before = _state(old) if old is not None else None


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw or acting.is_quiet():
        return
    before = getattr(instance, "_wbs_audit_before", None)
    after = _state(instance)
    if before is None:
        changes = {name: ["", value] for name, value in after.items() if value}
    else:
        changes = {
            name: [before.get(name, ""), value]
            for name, value in after.items()
            if before.get(name, "") != value
        }
    if not changes and before is not None:
        return
    log.record(
        verb="masterdata.created" if before is None else "masterdata.changed",
        actor=acting.acting_user(),
        target=instance,
        payload={"object": _value(instance), "changes": changes},
    )


def _deleted(sender, instance, **kwargs):
    if acting.is_quiet():
        return
    log.record(
        verb="masterdata.deleted",
        actor=acting.acting_user(),
        target=instance,
        payload={
            "object": _value(instance),
            "changes": {k: [v, ""] for k, v in _state(instance).items() if v},
        },
    )


def connect() -> None:
    for model in MODELS:
        uid = f"wbs-masterdata-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_saved, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid + "-delete")
