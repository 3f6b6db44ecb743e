"""The dashboard as rendered for each role, and the public figures: small-count suppression for
the Pembina and for everything public (with secondary suppression so totals cannot give a small
count back), exact counts for the Inspektur and the Penanggung Jawab."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from wbs.cases.models import Status
from wbs.directory.models import OrganisationProfile
from wbs.monitoring import dashboard
from wbs.monitoring.figures import Filters

from . import fixtures as fx

pytestmark = pytest.mark.django_db
S = Status
DASHBOARD = "/staf/dasbor/"
SECTIONS = {"status": "st-h", "category": "cat-h", "wilayah": "wil-h", "unit": "opd-h"}


def _table(html: str, section: str) -> tuple[dict[str, str], str]:
    """(label → shown value, shown total) of one of the dashboard's list tables."""
    block = re.search(rf'<section aria-labelledby="{section}".*?</section>', html, re.S).group(0)
    body = re.search(r"<table.*?</table>", block, re.S).group(0)
    rows = dict(re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", body))
    total = re.search(r'<tr><th scope="row">.*?</th><td>(.*?)</td></tr>', body).group(1)
    return rows, total


def _hidden(text: str) -> bool:
    return text.startswith("&lt;") or text == "•"


def _submit_many(category_counts: dict[str, int], **fields):
    reports = []
    for code, n in category_counts.items():
        for _ in range(n):
            report, _receipt = fx.submit(category=code)
            if fields:
                fx.place(report, **fields)
            reports.append(report)
    return reports


@pytest.fixture
def small_category(staff):
    """Korupsi: 5 reports, Suap: 2 (below the default threshold 3)."""
    return _submit_many({"korupsi": 5, "suap": 2})


# --- who may see the dashboard ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["inspektur", "pj", "pembina"])
def test_figure_roles_see_the_dashboard(as_staff, persona):
    assert as_staff(persona).get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("persona", ["verifikator", "penelaah", "admin"])
def test_other_roles_are_refused(as_staff, persona):
    assert as_staff(persona).get(DASHBOARD).status_code == 403


def test_anonymous_is_sent_to_the_log_in(staff):
    response = Client().get(DASHBOARD)
    assert response.status_code == 302 and "/staf/masuk/" in response["Location"]


@pytest.mark.parametrize("persona", ["pembina", "verifikator"])
def test_recap_is_not_for_the_pembina_nor_the_verifikator(as_staff, persona):
    assert as_staff(persona).get(reverse("monitoring:recap")).status_code == 403


# --- suppression in the rendered page ---------------------------------------------------------


def test_pembina_sees_small_category_as_below_threshold(as_staff, small_category):
    rows, _total = _table(as_staff("pembina").get(DASHBOARD).content.decode(), "cat-h")
    assert rows["Suap"] == "&lt;3"


def test_pembina_table_totals_do_not_give_a_small_count_back(as_staff, small_category):
    html = as_staff("pembina").get(DASHBOARD).content.decode()
    for name, section in SECTIONS.items():
        rows, total = _table(html, section)
        hidden = [label for label, text in rows.items() if _hidden(text)]
        assert len(hidden) != 1 or _hidden(total), (name, rows, total)


def test_pembina_category_partner_is_hidden_too(as_staff, small_category):
    rows, total = _table(as_staff("pembina").get(DASHBOARD).content.decode(), "cat-h")
    assert rows["Korupsi/kerugian keuangan negara"] == "•" and total == "7"


def test_pembina_page_explains_the_suppression(as_staff, small_category):
    html = as_staff("pembina").get(DASHBOARD).content.decode()
    assert "notice" in html and "&lt;3" in html


def test_pembina_has_no_export_links(as_staff, small_category):
    html = as_staff("pembina").get(DASHBOARD).content.decode()
    assert reverse("monitoring:recap") not in html


@pytest.mark.parametrize("persona", ["inspektur", "pj"])
def test_inspektur_and_pj_see_exact_counts(as_staff, small_category, persona):
    rows, total = _table(as_staff(persona).get(DASHBOARD).content.decode(), "cat-h")
    assert (rows["Suap"], rows["Korupsi/kerugian keuangan negara"], total) == ("2", "5", "7")


def test_inspektur_page_has_no_suppression_marks(as_staff, small_category):
    html = as_staff("inspektur").get(DASHBOARD).content.decode()
    assert "&lt;3" not in html and "•" not in html


def test_threshold_from_the_profile_takes_effect(as_staff, staff):
    _submit_many({"korupsi": 6, "suap": 4})
    OrganisationProfile.objects.filter(pk=OrganisationProfile.get().pk).update(
        small_count_threshold=5
    )
    rows, _total = _table(as_staff("pembina").get(DASHBOARD).content.decode(), "cat-h")
    assert rows["Suap"] == "&lt;5"


def test_total_below_threshold_is_hidden_for_the_pembina(as_staff, staff):
    _submit_many({"suap": 2})
    _rows, total = _table(as_staff("pembina").get(DASHBOARD).content.decode(), "cat-h")
    assert total == "&lt;3"


def test_pembina_filter_by_category_is_suppressed_too(as_staff, small_category):
    from wbs.directory.models import Category

    suap = Category.objects.get(code="suap").pk
    html = as_staff("pembina").get(DASHBOARD, {"category": suap}).content.decode()
    _rows, total = _table(html, "cat-h")
    assert total == "&lt;3"


def test_pembina_table1_hides_the_percentage_of_a_small_year(as_staff, staff):
    _submit_many({"korupsi": 2})
    html = as_staff("pembina").get(DASHBOARD).content.decode()
    table = re.search(r'<table[^>]*id="table1".*?</table>', html, re.S).group(0)
    assert "&lt;3" in table and "%" not in table.split("</thead>")[1]


def test_waiting_figure_does_not_undo_the_secondary_suppression(staff):
    """Status: DITERIMA 1 (hidden, <3), PERLU_KELENGKAPAN 3 (hidden as its partner, •),
    VERIFIKASI 5, total 9. If the "waiting for the reporter" line then shows 3, the hidden
    DITERIMA count is 9 − 5 − 3 = 1 again."""
    for status, n in ((S.DITERIMA, 1), (S.PERLU_KELENGKAPAN, 3), (S.VERIFIKASI, 5)):
        for _ in range(n):
            report, _receipt = fx.submit()
            fx.place(report, status=status)
    data = dashboard.build(Filters(), suppress=True, threshold=3)
    status_rows = {r["label"]: r["text"] for r in data["status"]["rows"]}
    assert status_rows[S.PERLU_KELENGKAPAN.label] == "•"  # the partner is hidden …
    assert data["waiting_text"] in ("•", "<3")  # … so the same number may not be shown beside


# --- public figures ---------------------------------------------------------------------------


def _landing_numbers() -> list[str]:
    html = Client().get("/").content.decode()
    return re.findall(r'<span class="num">(.*?)</span>', html)


def _public_json() -> dict:
    return Client().get("/api/v1/public/figures").json()


@pytest.fixture
def two_reports_one_done(palembang, recovery):
    reports = _submit_many({"korupsi": 2})
    fx.place(reports[0], status=S.SELESAI)
    return reports


def test_landing_page_suppresses_small_counts(two_reports_one_done):
    assert _landing_numbers()[:2] == ["&lt;3", "&lt;3"]


def test_public_api_suppresses_small_counts(two_reports_one_done):
    data = _public_json()
    assert (data["received"], data["completed"]) == ("<3", "<3")


def test_public_api_states_the_confidentiality_promise(two_reports_one_done):
    assert _public_json()["confidentiality"]


def test_public_figures_exact_when_suppression_is_off(two_reports_one_done):
    OrganisationProfile.objects.filter(pk=OrganisationProfile.get().pk).update(
        suppress_public_small_counts=False
    )
    assert _landing_numbers()[:2] == ["2", "1"]
    assert _public_json()["received"] == 2


def test_public_figures_at_or_above_threshold_are_exact(palembang, recovery):
    reports = _submit_many({"korupsi": 4})
    for report in reports[:3]:
        fx.place(report, status=S.SELESAI)
    assert (_public_json()["received"], _public_json()["completed"]) == (4, 3)


def test_public_zero_is_shown_as_zero(palembang, recovery):
    _submit_many({"korupsi": 3})
    assert _public_json()["completed"] == 0


def test_public_threshold_change_takes_effect(palembang, recovery):
    _submit_many({"korupsi": 4})
    OrganisationProfile.objects.filter(pk=OrganisationProfile.get().pk).update(
        small_count_threshold=5
    )
    assert _public_json()["received"] == "<5"
    assert _landing_numbers()[0] == "&lt;5"
