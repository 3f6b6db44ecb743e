"""No duplicate HTML id on any page (issue 12 §6): a label, a skip link or an error summary
pointing at an id that exists twice sends a screen-reader user or a click to the wrong field.
Every page of a crawl is parsed — the case page in every status for every persona who opens
it (each shows other step forms), and the other staff, administrator and reporter pages."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from wbs.cases.models import Status
from wbs.cases.tests.helpers import assign, confidential_report, logged_in, put_in_state
from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(name for name, count in parser.ids.items() if count > 1)


def test_the_checker_finds_a_duplicate():
    assert duplicate_ids('<p id="a"></p><input id="a"><b id="b">') == ["a"]


CASE_PERSONAS = ("verifikator", "penelaah", "inspektur", "pj")


def test_no_case_page_in_any_status_repeats_an_id(staff):
    report = confidential_report()
    assign(report, staff["penelaah"], staff)
    clients = {persona: logged_in(staff[persona]) for persona in CASE_PERSONAS}
    problems = {}
    for status in Status:
        put_in_state(report, status)
        for persona, client in clients.items():
            response = client.get(reverse("cases:case", args=[report.registration_number]))
            assert response.status_code == 200, (status, persona)
            if dupes := duplicate_ids(response.content.decode()):
                problems[(status.value, persona)] = dupes
    assert problems == {}


STAFF_PAGES = {
    "verifikator": ["cases:inbox", "monitoring:register"],
    "inspektur": [
        "accounts:alerts",
        "cases:inbox",
        "monitoring:dashboard",
        "monitoring:audit",
        "cases:role_requests",
        "cases:identity_requests",
        "administration:regrant",
    ],
    "admin": [
        "administration:index",
        "administration:users",
        "administration:user_new",
        "administration:settings",
        "administration:retention",
        "administration:health",
        "administration:holidays",
    ],
}


def test_no_other_staff_page_repeats_an_id(staff):
    submit(title="Laporan untuk daftar")
    problems = {}
    for persona, names in STAFF_PAGES.items():
        client = logged_in(staff[persona])
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            if dupes := duplicate_ids(response.content.decode()):
                problems[name] = dupes
    assert problems == {}


def test_no_reporter_page_repeats_an_id(staff):
    _report, receipt = submit(title="Laporan pelapor")
    client = Client()
    pages = ["/", "/lapor/", "/status/", "/akun/masuk/", "/akun/daftar/"]
    problems = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if dupes := duplicate_ids(response.content.decode()):
            problems[path] = dupes
    client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    response = client.get(reverse("intake:status_report"))
    assert response.status_code == 200
    if dupes := duplicate_ids(response.content.decode()):
        problems["status_report"] = dupes
    assert problems == {}
