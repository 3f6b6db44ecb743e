"""Issue 12 §3: a staff member who joins later, or a new Inspektur, is told on their first
page what they can and cannot see yet and how to get access, instead of a bare "(no key)"."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, login_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Role
from wbs.cases.tests.helpers import TITLE, confidential_report, logged_in
from wbs.vault.models import KeyGrant

pytestmark = pytest.mark.django_db
HOME = reverse("cases:home")
INBOX = reverse("cases:inbox")


def _newcomer(staff, role):
    user = accounts.create_staff_user(username=f"baru-{role}", password=PASSWORD, roles=[])
    assert accounts.add_role(user, role, acting=staff["admin"]) == "requested"
    return user


@pytest.mark.parametrize(
    ("role", "decider"),
    [(Role.VERIFIKATOR, "Inspektur"), (Role.INSPEKTUR, "pemegang frasa sandi pemulihan")],
)
def test_a_newcomer_awaiting_approval_is_told_what_it_waits_for(staff, client, role, decider):
    confidential_report(with_file=False)
    user = _newcomer(staff, role)
    page = login_staff(client, user).get(HOME, follow=True).content.decode()
    assert "access-guidance" in page
    assert f"menunggu persetujuan {decider}" in page
    assert "sidik jari kunci Anda" in page and "Akun Saya" in page
    assert "Peran Anda tidak menangani laporan" not in page  # not the dead end of before
    assert TITLE not in page


def test_a_verifikator_without_a_report_key_sees_why_and_how(staff):
    held = confidential_report(title="JUDUL-TERBUKA-1", with_file=False)
    locked = confidential_report(title="JUDUL-TERKUNCI-2", with_file=False)
    KeyGrant.objects.filter(report=locked, user=staff["verifikator"]).delete()
    page = logged_in(staff["verifikator"]).get(INBOX).content.decode()
    assert "(tanpa kunci)" not in page
    row = page[page.index(locked.registration_number) :]
    row = row[: row.index("</tr>")]
    assert 'href="#akses"' in row and "isi terkunci" in row
    guidance = page[page.index('id="akses"') :]
    assert "Pemulihan Kunci" in guidance[: guidance.index("</div>")]
    assert "JUDUL-TERBUKA-1" in page and "JUDUL-TERKUNCI-2" not in page
    assert held.registration_number in page


def test_no_guidance_when_everything_is_readable(staff):
    confidential_report(with_file=False)
    page = logged_in(staff["verifikator"]).get(INBOX).content.decode()
    assert "access-guidance" not in page


def test_the_penanggung_jawab_is_told_content_comes_by_forwarding(staff):
    confidential_report(with_file=False)
    page = logged_in(staff["pj"]).get(INBOX).content.decode()
    assert "isi terkunci" in page
    assert "meneruskannya kepada Anda" in page
