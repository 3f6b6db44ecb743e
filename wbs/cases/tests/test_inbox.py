"""The inbox: visibility per role, pagination, every filter, queue counts, titles only for grant
holders, and a query count that does not grow with the page (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wbs.cases import inbox
from wbs.cases.models import Status
from wbs.cases.tests.helpers import assign, logged_in, po_catalog, put_in_state
from wbs.cases.views import PAGE_SIZE
from wbs.directory.models import Category, Unit, Wilayah
from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.django_db
S = Status
INBOX = reverse("cases:inbox")


def numbers(response) -> set[str]:
    assert response.status_code == 200
    return {item["report"].registration_number for item in response.context["items"]}


def new(title="Laporan uji", **kwargs):
    return submit(title=title, **kwargs)[0]


# --- pagination -------------------------------------------------------------------------------


def test_page_size_is_25_and_the_rest_is_on_page_two(staff):
    for i in range(30):
        new(title=f"Laporan nomor {i}")
    client = logged_in(staff["verifikator"])
    first, second = client.get(INBOX), client.get(INBOX, {"page": 2})
    assert PAGE_SIZE == 25
    assert len(first.context["items"]) == 25 and len(second.context["items"]) == 5
    assert numbers(first).isdisjoint(numbers(second))


def test_out_of_range_page_shows_the_last_page(staff):
    for _ in range(3):
        new()
    response = logged_in(staff["verifikator"]).get(INBOX, {"page": 99})
    assert len(numbers(response)) == 3


def test_pager_links_keep_the_filters(staff):
    for _ in range(26):
        new(category="suap")
    suap = Category.objects.get(code="suap").pk
    response = logged_in(staff["verifikator"]).get(INBOX, {"category": suap})
    assert f"category={suap}&amp;page=2" in response.content.decode()


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def client_v(staff):
    return logged_in(staff["verifikator"])


def test_filter_status(client_v):
    new()
    wanted = put_in_state(new(), S.VERIFIKASI)
    assert numbers(client_v.get(INBOX, {"status": S.VERIFIKASI})) == {wanted.registration_number}


def test_filter_category(client_v):
    new(category="korupsi")
    wanted = new(category="suap")
    category = Category.objects.get(code="suap").pk
    assert numbers(client_v.get(INBOX, {"category": category})) == {wanted.registration_number}


def test_filter_unit(client_v):
    new(unit_name="Dinas Pendidikan")
    wanted = new(unit_name="Dinas Perhubungan")
    unit = Unit.objects.get(name="Dinas Perhubungan").pk
    assert numbers(client_v.get(INBOX, {"unit": unit})) == {wanted.registration_number}


def test_filter_wilayah(client_v):
    new(unit_name="Dinas Pendidikan")  # Irban IV
    wanted = new(unit_name="Dinas Perhubungan")  # Irban III
    area = Wilayah.objects.get(code="irban-3").pk
    assert numbers(client_v.get(INBOX, {"wilayah": area})) == {wanted.registration_number}


def test_filter_mine(staff):
    new()
    wanted = put_in_state(new(), S.DITELAAH, assignee=staff["verifikator"])
    client = logged_in(staff["verifikator"])
    assert numbers(client.get(INBOX, {"mine": "on"})) == {wanted.registration_number}


@pytest.fixture
def dated(staff):
    today = timezone.localdate()
    near = inbox.near_due_limit(today)
    return {
        "overdue": put_in_state(new(), S.VERIFIKASI, stage_due_on=today - datetime.timedelta(1)),
        "soon": put_in_state(new(), S.VERIFIKASI, stage_due_on=near),
        "today": put_in_state(new(), S.VERIFIKASI, stage_due_on=today),
        "later": put_in_state(new(), S.VERIFIKASI, stage_due_on=near + datetime.timedelta(30)),
        "paused": put_in_state(
            new(),
            S.PERLU_KELENGKAPAN,
            stage_due_on=today - datetime.timedelta(1),
            clock_paused=True,
        ),
        "none": put_in_state(new(), S.SELESAI, stage_due_on=None),
    }


def test_filter_due_overdue(client_v, dated):
    assert numbers(client_v.get(INBOX, {"due": "overdue"})) == {
        dated["overdue"].registration_number
    }


def test_filter_due_soon(client_v, dated):
    assert numbers(client_v.get(INBOX, {"due": "soon"})) == {
        dated["soon"].registration_number,
        dated["today"].registration_number,
    }


def test_overdue_row_is_marked(client_v, dated):
    response = client_v.get(INBOX)
    flagged = {i["report"].pk for i in response.context["items"] if i["overdue"]}
    assert flagged == {dated["overdue"].pk}


def test_filter_received_from_and_to(client_v):
    put_in_state(new(), S.DITERIMA, received_on=datetime.date(2025, 1, 10))
    wanted = put_in_state(new(), S.DITERIMA, received_on=datetime.date(2025, 2, 10))
    put_in_state(new(), S.DITERIMA, received_on=datetime.date(2025, 3, 10))
    response = client_v.get(INBOX, {"received_from": "2025-02-01", "received_to": "2025-02-28"})
    assert numbers(response) == {wanted.registration_number}


def test_lookup_by_registration_number(client_v):
    new()
    wanted = new()
    response = client_v.get(INBOX, {"q": f" {wanted.registration_number.lower()} "})
    assert numbers(response) == {wanted.registration_number}


def test_lookup_does_not_search_content(client_v):
    """Only the number: the content is ciphertext, and searching it would leak through timing."""
    new(title="Pengadaan laptop")
    assert numbers(client_v.get(INBOX, {"q": "laptop"})) == set()


def test_invalid_filter_values_do_not_break_the_page(client_v):
    report = new()
    response = client_v.get(INBOX, {"status": "bukan", "received_from": "kemarin", "page": "x"})
    assert numbers(response) == {report.registration_number}  # the bad filters are ignored
    assert set(response.context["form"].errors) == {"status", "received_from"}


def test_sort_oldest_first(client_v):
    old = put_in_state(new(), S.DITERIMA, received_on=datetime.date(2025, 1, 10))
    put_in_state(new(), S.DITERIMA, received_on=datetime.date(2025, 3, 10))
    response = client_v.get(INBOX, {"sort": "received_on"})
    assert response.context["items"][0]["report"].pk == old.pk


# --- queues -----------------------------------------------------------------------------------


@pytest.fixture
def spread(staff):
    """Ten reports, one or two per state a queue looks at."""
    states = [
        (S.DITERIMA, {}),
        (S.DITERIMA, {}),
        (S.VERIFIKASI, {}),
        (S.PERLU_KELENGKAPAN, {}),
        (S.LAPORAN_HASIL, {"result_verified": False}),
        (S.LAPORAN_HASIL, {"result_verified": True}),
        (S.MENUNGGU_PERSETUJUAN, {}),
        (S.DISETUJUI, {}),
        (S.SELESAI, {}),
        (S.DITOLAK, {}),
    ]
    return [put_in_state(new(), state, **fields) for state, fields in states]


def counts(response) -> dict[str, int]:
    return {queue.code: n for queue, n in response.context["queues"]}


def test_queue_counts_for_the_verifikator(staff, spread):
    response = logged_in(staff["verifikator"]).get(INBOX)
    assert counts(response) == {
        "pesan_baru": 0,
        "baru": 2,
        "verifikasi": 1,
        "menunggu_pelapor": 1,
        "verifikasi_lhp": 1,
        "semua_terbuka": 8,
        "semua": 10,
    }


def test_queue_counts_for_the_inspektur(staff, spread):
    response = logged_in(staff["inspektur"]).get(INBOX)
    assert counts(response) == {
        "pesan_baru": 0,
        "persetujuan": 1,
        "putusan_tindak_lanjut": 1,
        "persetujuan_lhp": 1,
        "semua_terbuka": 8,
        "semua": 10,
    }


def test_queue_filter_narrows_the_list(staff, spread):
    response = logged_in(staff["verifikator"]).get(INBOX, {"queue": "baru"})
    assert numbers(response) == {r.registration_number for r in spread if r.status == S.DITERIMA}


def test_queue_of_another_role_is_ignored(staff, spread):
    response = logged_in(staff["verifikator"]).get(INBOX, {"queue": "persetujuan"})
    assert len(numbers(response)) == 10


def test_queue_counts_of_a_penelaah_cover_only_assigned_reports(staff, spread):
    mine = assign(new(), staff["penelaah"], staff)
    assign(new(), staff["penelaah_other"], staff)
    response = logged_in(staff["penelaah"]).get(INBOX)
    assert counts(response)["semua"] == 1
    assert numbers(response) == {mine.registration_number}


# --- who sees what ------------------------------------------------------------------------------


def test_penelaah_sees_only_assigned_reports(staff):
    new()
    mine = assign(new(), staff["penelaah"], staff)
    assign(new(), staff["penelaah_other"], staff)
    response = logged_in(staff["penelaah"]).get(INBOX)
    assert numbers(response) == {mine.registration_number}


def test_penelaah_filters_cannot_widen_the_list(staff):
    other = assign(new(), staff["penelaah_other"], staff)
    client = logged_in(staff["penelaah"])
    for query in ({"q": other.registration_number}, {"queue": "semua"}, {"status": S.DITELAAH}):
        assert numbers(client.get(INBOX, query)) == set()


@pytest.mark.parametrize("persona", ["verifikator", "inspektur", "pj"])
def test_all_report_roles_see_every_report(staff, persona):
    for _ in range(3):
        new()
    assign(new(), staff["penelaah_other"], staff)
    assert len(numbers(logged_in(staff[persona]).get(INBOX))) == 4


def test_titles_only_for_grant_holders(staff):
    report = new(title="JUDUL-UNTUK-PEMEGANG-KUNCI")
    pj = logged_in(staff["pj"]).get(INBOX).content.decode()
    verifikator = logged_in(staff["verifikator"]).get(INBOX).content.decode()
    with translation.override("id"):
        marker = translation.gettext("content locked")
    assert "JUDUL-UNTUK-PEMEGANG-KUNCI" in verifikator
    assert report.registration_number in pj and "JUDUL-UNTUK-PEMEGANG-KUNCI" not in pj
    assert marker in pj and marker not in verifikator


def test_assigned_penelaah_sees_the_title(staff):
    assign(new(title="JUDUL-UNTUK-PENELAAH"), staff["penelaah"], staff)
    assert "JUDUL-UNTUK-PENELAAH" in logged_in(staff["penelaah"]).get(INBOX).content.decode()


def test_no_key_marker_is_translated_to_indonesian():
    """Bahasa Indonesia first (docs/design/product.md §7): the marker has an Indonesian msgstr."""
    assert po_catalog("id").get("content locked"), "msgid 'content locked' has no msgstr"


# --- N+1 ----------------------------------------------------------------------------------------


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["verifikator", "pj"])
def test_inbox_queries_do_not_grow_with_the_page(staff, persona):
    for i in range(5):
        assign(new(), staff["penelaah"], staff) if i % 2 else new()
    client = logged_in(staff[persona])
    five = _inbox_queries(client)
    for i in range(20):
        assign(new(), staff["penelaah"], staff) if i % 2 else new()
    twenty_five = _inbox_queries(client)
    assert twenty_five <= five, (five, twenty_five)


# --- the list's total ----------------------------------------------------------------------------


def _total(client, params=None):
    return client.get(INBOX, params or {}).context["page"].paginator.count


@pytest.mark.parametrize(
    ("persona", "params", "expected"),
    [
        ("verifikator", {}, 10),
        ("verifikator", {"queue": "baru"}, 2),
        ("verifikator", {"queue": "verifikasi_lhp"}, 1),
        ("verifikator", {"queue": "semua_terbuka"}, 8),
        ("verifikator", {"queue": "persetujuan"}, 10),  # another role's queue: ignored
        ("verifikator", {"queue": "baru", "status": "VERIFIKASI"}, 0),
        ("verifikator", {"status": "DITERIMA"}, 2),
        ("verifikator", {"received_from": "nonsense"}, 10),  # invalid: no filter
        ("inspektur", {"queue": "persetujuan_lhp"}, 1),
    ],
)
def test_the_total_matches_the_list(staff, spread, persona, params, expected):
    """Without filters the total comes from the queue histogram; with them from a count."""
    assert _total(logged_in(staff[persona]), params) == expected


def test_penelaah_total_counts_only_assigned_reports(staff, spread):
    assign(new(), staff["penelaah"], staff)
    assign(new(), staff["penelaah_other"], staff)
    assert _total(logged_in(staff["penelaah"])) == 1


def test_an_unfiltered_inbox_counts_the_reports_once(staff, spread):
    """The histogram gives both the queue counts and the total: no second scan of every
    report for the pager."""
    client = logged_in(staff["verifikator"])
    with CaptureQueriesContext(connection) as queries:
        client.get(INBOX)
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1, counting


def test_the_titles_an_inbox_page_decrypts_are_traced_in_one_event(staff):
    """Issue 11 §1: bulk decryption is traced — which reports' titles a page opened."""
    from wbs.audit.models import AuditEvent

    first, second = new(title="JUDUL-SATU"), new(title="JUDUL-DUA")
    logged_in(staff["verifikator"]).get(INBOX)
    (event,) = AuditEvent.objects.filter(verb="inbox.titles_opened")
    assert event.actor == staff["verifikator"]
    assert sorted(event.payload["reports"]) == sorted(
        [first.registration_number, second.registration_number]
    )
    logged_in(staff["pj"]).get(INBOX)  # holds no key: decrypts nothing, nothing to trace
    assert AuditEvent.objects.filter(verb="inbox.titles_opened").count() == 1
