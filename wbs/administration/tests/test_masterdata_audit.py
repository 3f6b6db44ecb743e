"""Issue 12 §5: edits of master data, wherever they are made, are in the WBS audit trail with
who, when and what changed (field: old → new)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.forms.models import model_to_dict

from wbs.audit.models import AuditEvent
from wbs.directory.models import (
    DeadlineRule,
    HolidayOverride,
    MessageTemplate,
    OrganisationProfile,
    Unit,
    Wilayah,
)
from wbs.monitoring import audit_labels

pytestmark = pytest.mark.django_db
ADMIN = "/staf/admin"


def _post_data(instance, **changes):
    data = {}
    for name, value in {**model_to_dict(instance), **changes}.items():
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def _last(verb):
    return AuditEvent.objects.filter(verb=verb).order_by("-id").first()


def test_an_opd_mapping_changed_in_the_django_admin_is_audited(staff, as_staff):
    unit = Unit.objects.get(name="Dinas Pendidikan")
    old_area = unit.wilayah
    new_area = Wilayah.objects.exclude(pk=old_area.pk).first()
    response = as_staff("admin").post(
        f"{ADMIN}/directory/unit/{unit.pk}/change/", _post_data(unit, wilayah=new_area.pk)
    )
    assert response.status_code == 302, response.content[:2000]
    event = _last("masterdata.changed")
    assert event.actor == staff["admin"] and event.target_type == "unit"
    assert event.target_id == str(unit.pk)
    assert event.payload["changes"] == {"wilayah": [str(old_area.pk), str(new_area.pk)]}
    assert event.payload["object"] == str(unit)


def test_a_message_template_edit_records_old_and_new_text(staff, as_staff):
    row, _ = MessageTemplate.objects.get_or_create(
        code="staff_work", defaults={"subject": "Lama", "body": "Teks lama."}
    )
    old_body = row.body
    as_staff("admin").post(
        f"{ADMIN}/directory/messagetemplate/{row.pk}/change/",
        _post_data(row, body="Teks baru dari Administrator."),
    )
    event = _last("masterdata.changed")
    assert event.payload["changes"]["body"] == [old_body, "Teks baru dari Administrator."]
    assert event.actor == staff["admin"]


def test_a_holiday_added_and_deleted_is_audited(staff, as_staff):
    client = as_staff("admin")
    client.post(
        f"{ADMIN}/directory/holidayoverride/add/",
        {"date": "2026-06-01", "kind": "libur", "name": "Cuti bersama uji"},
    )
    row = HolidayOverride.objects.get(date=datetime.date(2026, 6, 1))
    created = _last("masterdata.created")
    assert created.actor == staff["admin"] and created.target_id == str(row.pk)
    assert created.payload["changes"]["name"] == ["", "Cuti bersama uji"]
    client.post(f"{ADMIN}/directory/holidayoverride/{row.pk}/delete/", {"post": "yes"})
    deleted = _last("masterdata.deleted")
    assert deleted.actor == staff["admin"] and deleted.payload["object"] == str(row)


def test_the_organisation_profile_edited_on_the_settings_screen_is_audited(staff, as_staff):
    profile = OrganisationProfile.get()
    old = profile.head_name
    data = _post_data(profile, head_name="Dr. Kepala Baru, M.Si.")
    data.pop("logo", None)
    response = as_staff("admin").post("/staf/administrasi/pengaturan/", data)
    assert response.status_code == 302, response.content[:3000]
    event = _last("masterdata.changed")
    assert event.target_type == "organisationprofile"
    assert event.payload["changes"]["head_name"] == [old, "Dr. Kepala Baru, M.Si."]


def test_a_change_in_code_is_audited_as_the_system(staff):
    rule = DeadlineRule.objects.get(stage="first_answer")
    rule.days = 20
    rule.save()
    event = _last("masterdata.changed")
    assert event.actor is None and event.actor_kind == "system"
    assert event.payload["changes"] == {"days": ["30", "20"]}


def test_an_unchanged_save_writes_nothing(staff):
    before = AuditEvent.objects.filter(verb__startswith="masterdata.").count()
    Unit.objects.first().save()
    assert AuditEvent.objects.filter(verb__startswith="masterdata.").count() == before


def test_the_initial_load_writes_one_summary_event(db):
    call_command("load_palembang", verbosity=0)
    events = AuditEvent.objects.filter(verb__startswith="masterdata.")
    assert [e.verb for e in events] == ["masterdata.loaded"]
    assert events[0].payload["created"]["unit"] == Unit.objects.count()
    call_command("load_palembang", verbosity=0)  # idempotent: nothing new, no event
    assert AuditEvent.objects.filter(verb__startswith="masterdata.").count() == 1


# --- the audit viewer in Bahasa Indonesia ------------------------------------------------------


def test_the_audit_viewer_names_actions_in_indonesian_and_shows_the_change(staff, as_staff):
    rule = DeadlineRule.objects.get(stage="first_answer")
    rule.days = 25
    rule.save()
    client = as_staff("inspektur")
    page = client.get("/staf/audit/").content.decode()
    assert "Data induk diubah" in page and "days: 30 → 25" in page
    # The filter is a choice list of labels, groups first, not a free code.
    form = client.get("/staf/audit/").context["form"]
    choices = dict(form.fields["verb"].choices)
    assert choices["identity.viewed"] == "Identitas pelapor dibuka"
    assert choices["workflow.forward"].startswith("Langkah: ")
    assert choices["masterdata."] == "Data induk (semua)"
    assert '<select name="verb"' in page
    # Every verb the code writes has a label (a new one must be added to audit_labels).
    written = set()
    for path in Path(settings.BASE_DIR, "wbs").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'verb="([a-z_]+\.[a-z_]+)"', text))
        written |= set(re.findall(r'alert\(\s*"([a-z_]+\.[a-z_]+)"', text))
    assert written - set(audit_labels.LABELS) == set()


def test_the_audit_filter_by_group_and_by_action(staff, as_staff):
    rule = DeadlineRule.objects.get(stage="first_answer")
    rule.days = 21
    rule.save()
    client = as_staff("inspektur")
    group = client.get("/staf/audit/", {"verb": "masterdata."}).context["rows"]
    assert group and all(r["event"].verb.startswith("masterdata.") for r in group)
    exact = client.get("/staf/audit/", {"verb": "masterdata.changed"}).context["rows"]
    assert {r["event"].verb for r in exact} == {"masterdata.changed"}
    response = client.get("/staf/audit/", {"verb": "tidak.ada"})
    assert "verb" in response.context["form"].errors
