"""Cached inbox counts and figures stay exact: every change bumps the metadata version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wbs.cases import inbox, workflow
from wbs.directory.models import Category
from wbs.intake.tests.factories import submit

from .test_workflow import keyring_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on(settings):
    settings.WBS_FIGURES_CACHE_SECONDS = 300


def _count(user, code):
    return {q.code: n for q, n in inbox.queue_counts(user)}[code]


def test_counts_follow_a_new_submission(staff, cache_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    before = _count(staff["verifikator"], "baru")
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert _count(staff["verifikator"], "baru") == before + 1


def test_counts_follow_a_workflow_step(staff, cache_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = submit()
    assert _count(staff["verifikator"], "verifikasi") == 0
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(
            report,
            "start_verification",
            actor=staff["verifikator"],
            keyring=keyring_of(staff["verifikator"]),
        )
    assert _count(staff["verifikator"], "verifikasi") == 1


def test_cached_counts_are_served_without_a_query(staff, cache_on, django_assert_num_queries):
    submit()
    inbox.queue_counts(staff["verifikator"])
    with django_assert_num_queries(2):  # the user and their roles; not the histogram
        fresh = type(staff["verifikator"]).objects.get(pk=staff["verifikator"].pk)
        inbox.queue_counts(fresh)


def test_dashboard_follows_a_new_submission(
    as_staff, staff, cache_on, django_capture_on_commit_callbacks
):
    client = as_staff("inspektur")
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    first = client.get(reverse("monitoring:dashboard")).content
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert client.get(reverse("monitoring:dashboard")).content != first


def test_overdue_count_follows_the_date(
    as_staff, cache_on, monkeypatch, django_capture_on_commit_callbacks
):
    """No report changes at midnight, yet "overdue" does: the count is keyed by the date."""
    client = as_staff("verifikator")
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = submit()
    url = reverse("cases:inbox") + "?due=overdue"
    assert client.get(url).context["page"].paginator.count == 0
    later = report.stage_due_on + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: later)
    assert client.get(url).context["page"].paginator.count == 1


def test_dashboard_follows_an_edit_of_organisation_data(
    as_staff, cache_on, django_capture_on_commit_callbacks
):
    client = as_staff("inspektur")
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = submit()
    url = reverse("monitoring:dashboard")

    def category_labels():
        return [row["label"] for row in client.get(url).context["d"]["category"]["rows"]]

    assert "Kategori Diganti Nama" not in category_labels()
    category = Category.objects.get(pk=report.category_id)
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Kategori Diganti Nama"
        category.save()
    assert "Kategori Diganti Nama" in category_labels()


def test_the_new_message_count_follows_the_reporter_and_the_handler(
    staff, cache_on, django_capture_on_commit_callbacks
):
    from wbs.cases import services
    from wbs.intake import services as intake
    from wbs.vault import access

    with django_capture_on_commit_callbacks(execute=True):
        _report, receipt = submit()
    assert _count(staff["verifikator"], "pesan_baru") == 0  # now cached
    report, keyring = access.open_with_access_code(receipt.access_code)
    with django_capture_on_commit_callbacks(execute=True):
        intake.add_reporter_message(keyring, report, "Pesan susulan.")
    assert _count(staff["verifikator"], "pesan_baru") == 1
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_news_seen(staff["verifikator"], keyring_of(staff["verifikator"]), report)
    assert _count(staff["verifikator"], "pesan_baru") == 0
