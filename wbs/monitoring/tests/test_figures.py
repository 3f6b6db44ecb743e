"""The monitoring figures against a hand-counted fixture (fixtures.HAND_COUNTED).

2023: 5 received, 3 followed up (DITELAAH, SELESAI, DITOLAK referred to APH/KPK) → 60,00%.
2024: 4 received, 1 followed up (TINDAK_LANJUT) → 25,00%."""

import datetime

import pytest

from wbs.cases.models import Status
from wbs.directory.models import Category, Unit, Wilayah
from wbs.monitoring import dashboard, figures
from wbs.monitoring.figures import Filters

from . import fixtures as fx

pytestmark = pytest.mark.django_db
S = Status
D = datetime.date


@pytest.fixture
def counted(palembang, recovery):
    return fx.hand_counted()


def _cat(code):
    return Category.objects.get(code=code).pk


def _unit(name):
    return Unit.objects.get(name=name).pk


def _wil(code):
    return Wilayah.objects.get(code=code).pk


# --- Tabel 1 ----------------------------------------------------------------------------------


def test_percent_text_matches_the_seed():
    assert dashboard.percent_text(149 * 100 / 179) == "83,24%"


def test_percent_text_rounds_to_two_decimals():
    assert dashboard.percent_text(100) == "100,00%"
    assert dashboard.percent_text(1 * 100 / 3) == "33,33%"


def test_table1_received_and_followed_per_year(counted):
    rows = figures.table1(Filters())
    assert [(r["year"], r["received"], r["followed"]) for r in rows] == [
        (2023, 5, 3),
        (2024, 4, 1),
    ]


def test_table1_percentages(counted):
    rows = dashboard.build(Filters(), suppress=False, threshold=3)["table1"]
    assert [r["percent"] for r in rows] == ["60,00%", "25,00%"]


def test_rejected_without_referral_is_not_followed_up(counted):
    reports = counted
    fx.place(reports[3], referral="sp4n_lapor")  # 2023's unreferred rejection, now referred
    assert figures.table1(Filters())[0]["followed"] == 4


def test_every_followed_up_state_counts(palembang, recovery):
    followed = [
        S.DITELAAH,
        S.MENUNGGU_PERSETUJUAN,
        S.DIKEMBALIKAN,
        S.DISETUJUI,
        S.TINDAK_LANJUT,
        S.LAPORAN_HASIL,
        S.SELESAI,
    ]
    for status in S:
        report, _ = fx.submit()
        fx.place(report, status=status, received_on=D(2025, 5, 5))
    row = figures.table1(Filters())[0]
    assert (row["received"], row["followed"]) == (len(S), len(followed))


# --- counts -----------------------------------------------------------------------------------


def test_counts_by_status(counted):
    assert figures.counts_by(Filters(), "status") == {
        S.DITELAAH: 1,
        S.SELESAI: 1,
        S.DITOLAK: 3,
        S.DITERIMA: 1,
        S.TINDAK_LANJUT: 1,
        S.VERIFIKASI: 1,
        S.PERLU_KELENGKAPAN: 1,
    }


def test_counts_by_category(counted):
    assert figures.counts_by(Filters(), "category_id") == {
        _cat("korupsi"): 5,
        _cat("suap"): 2,
        _cat("gratifikasi"): 2,
    }


def test_counts_by_unit(counted):
    assert figures.counts_by(Filters(), "unit_id") == {
        _unit("Dinas Pendidikan"): 4,
        _unit("Dinas Kesehatan"): 1,
        _unit("Sekretariat Daerah"): 2,
        _unit("Dinas Perhubungan"): 1,
        _unit("Badan Pendapatan Daerah"): 1,
    }


def test_counts_by_wilayah(counted):
    assert figures.counts_by(Filters(), "wilayah_id") == {
        _wil("irban-4"): 5,
        _wil("irban-1"): 2,
        _wil("irban-3"): 1,
        _wil("irban-2"): 1,
    }


def test_monthly_counts(counted):
    assert figures.monthly(Filters()) == {
        (2023, 1): 2,
        (2023, 3): 1,
        (2023, 7): 1,
        (2023, 12): 1,
        (2024, 2): 2,
        (2024, 6): 1,
        (2024, 11): 1,
    }


def test_monthly_grid_on_the_dashboard(counted):
    data = dashboard.build(Filters(), suppress=False, threshold=3)
    row_2024 = data["monthly"][1]
    assert row_2024["year"] == 2024
    assert row_2024["cells"] == ["0", "2", "0", "0", "0", "1", "0", "0", "0", "0", "1", "0"]
    assert [r["total"] for r in data["monthly"]] == ["5", "4"]


def test_waiting_on_reporters(counted):
    assert dashboard.build(Filters(), suppress=False, threshold=3)["waiting"] == 1


def test_dashboard_lists_are_exact_without_suppression(counted):
    data = dashboard.build(Filters(), suppress=False, threshold=3)
    category = {r["label"]: r["text"] for r in data["category"]["rows"]}
    assert category["Suap"] == "2" and category["Pemerasan"] == "0"
    assert data["category"]["total"] == "9"


# --- filters ----------------------------------------------------------------------------------


def test_filter_by_period(counted):
    rows = figures.table1(Filters(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)))
    assert [(r["year"], r["received"], r["followed"]) for r in rows] == [(2024, 4, 1)]


def test_filter_period_bounds_are_inclusive(counted):
    only = Filters(date_from=D(2023, 12, 31), date_to=D(2024, 2, 1))
    assert sum(figures.counts_by(only, "status").values()) == 2


def test_filter_by_category(counted):
    rows = figures.table1(Filters(category_id=_cat("suap")))
    assert [(r["year"], r["received"], r["followed"]) for r in rows] == [(2023, 2, 1)]


def test_filter_by_unit(counted):
    only = Filters(unit_id=_unit("Sekretariat Daerah"))
    assert figures.counts_by(only, "status") == {S.DITOLAK: 2}


def test_filter_by_wilayah(counted):
    only = Filters(wilayah_id=_wil("irban-4"))
    assert sum(figures.counts_by(only, "category_id").values()) == 5


def test_filters_combine(counted):
    only = Filters(date_from=D(2024, 1, 1), category_id=_cat("korupsi"))
    assert figures.monthly(only) == {(2024, 2): 2, (2024, 11): 1}


def test_filter_form_year_gives_the_whole_year(palembang):
    from wbs.monitoring.forms import DashboardFilterForm

    form = DashboardFilterForm({"year": "2023"})
    assert form.filters() == Filters(date_from=D(2023, 1, 1), date_to=D(2023, 12, 31))


# --- processing times -------------------------------------------------------------------------


@pytest.fixture
def timed(counted):
    """Verification took [1, 2, 3, 4, 10] working days on five 2023 reports (3 on time, 1 late,
    1 without a deadline) and [5, 7] days on two 2024 reports (both late)."""
    reports = counted
    for report, days, on_time in zip(
        reports[:5], [10, 1, 4, 2, 3], [None, True, False, True, True], strict=True
    ):
        fx.stage_change(report, S.VERIFIKASI, days, on_time)
    fx.stage_change(reports[5], S.VERIFIKASI, 5, False)
    fx.stage_change(reports[6], S.VERIFIKASI, 7, False)
    return reports


def test_percentile_cont_interpolates_like_postgresql():
    assert figures.percentile_cont([1, 2, 3, 4, 10], 0.5) == 3
    assert figures.percentile_cont([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)


def test_percentile_cont_of_one_value():
    assert figures.percentile_cont([4], 0.9) == 4


def test_stage_times_median_and_p90(timed):
    row = figures.stage_times(Filters(date_to=D(2023, 12, 31)))[S.VERIFIKASI]
    assert row["n"] == 5
    assert row["median"] == 3
    assert row["p90"] == pytest.approx(7.6)


def test_stage_times_compliance(timed):
    row = figures.stage_times(Filters(date_to=D(2023, 12, 31)))[S.VERIFIKASI]
    assert (row["timed"], row["on_time"]) == (4, 3)
    assert row["compliance"] == pytest.approx(75.0)


def test_stage_times_follow_the_period_filter(timed):
    row = figures.stage_times(Filters(date_from=D(2024, 1, 1)))[S.VERIFIKASI]
    assert (row["n"], row["median"], row["compliance"]) == (2, 6, 0)


def test_stage_times_on_the_dashboard(timed):
    stages = dashboard.build(Filters(date_to=D(2023, 12, 31)), suppress=False, threshold=3)[
        "stages"
    ]
    verification = next(r for r in stages if r["label"] == S.VERIFIKASI.label)
    assert (verification["median"], verification["p90"], verification["compliance"]) == (
        "3,0",
        "7,6",
        "75,00%",
    )


def test_stage_without_a_deadline_has_no_compliance(counted):
    fx.stage_change(counted[0], S.DITERIMA, 2, None)
    row = figures.stage_times(Filters())[S.DITERIMA]
    assert row["compliance"] is None
