import pytest
from django.db import connection

from conftest import PASSWORD
from wbs.cases import sealing
from wbs.cases.models import Accused, Report
from wbs.intake.tests.factories import submit
from wbs.vault import access, codes, crypto, keys
from wbs.vault import recovery as recovery_keys
from wbs.vault.keyring import Keyring, NoAccess
from wbs.vault.models import AccessCode, KeyGrant

pytestmark = pytest.mark.django_db


def _keyring_of(user):
    return Keyring(user_id=user.pk, private_key=keys.unlock_private_key(user, PASSWORD))


def test_field_ciphertext_round_trips():
    key = crypto.new_key()
    blob = crypto.encrypt(key, b"rahasia", ad=crypto.aad("report", "title", 1))
    assert crypto.decrypt(key, blob, ad=crypto.aad("report", "title", 1)) == b"rahasia"


def test_tampered_ciphertext_byte_fails():
    key = crypto.new_key()
    blob = bytearray(crypto.encrypt(key, b"rahasia", ad=b"x"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key, bytes(blob), ad=b"x")


def test_ciphertext_copied_to_another_row_does_not_decrypt(staff):
    first, _ = submit(title="Judul pertama")
    second, _ = submit(title="Judul kedua")
    Report.objects.filter(pk=second.pk).update(title_ct=first.title_ct)
    second.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        sealing.open_title(_keyring_of(staff["verifikator"]), second)


def test_ciphertext_moved_to_another_field_does_not_decrypt(staff):
    report, _ = submit()
    Report.objects.filter(pk=report.pk).update(details_ct=report.title_ct)
    report.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        sealing.open_report(_keyring_of(staff["verifikator"]), report)


def test_receiving_roles_can_open_a_new_report(staff):
    report, _ = submit(title="Judul rahasia")
    for role in ("verifikator", "inspektur"):
        assert sealing.open_title(_keyring_of(staff[role]), report) == "Judul rahasia"


@pytest.mark.parametrize("role", ["admin", "pembina", "pj", "penelaah"])
def test_other_roles_hold_no_grant(staff, role):
    report, _ = submit()
    with pytest.raises(NoAccess):
        sealing.open_report(_keyring_of(staff[role]), report)


def test_administrator_key_pair_cannot_open_a_report(staff):
    report, _ = submit()
    admin_private = keys.unlock_private_key(staff["admin"], PASSWORD)
    sealed = KeyGrant.objects.filter(report=report).values_list("sealed_key", flat=True)
    for blob in sealed:
        with pytest.raises(crypto.DecryptionError):
            crypto.unseal(admin_private, blob)


def test_whole_identity_key_goes_only_to_the_recovery_key(staff):
    report, _ = submit(identity=sealing.IdentityData(name="Pelapor Uji"))
    holders = list(
        KeyGrant.objects.filter(report=report, key_kind="identity").values_list(
            "user__username", flat=True
        )
    )
    assert holders == [None]


def test_each_custodian_holds_one_share_of_the_identity_key(staff):
    report, _ = submit(identity=sealing.IdentityData(name="Pelapor Uji"))
    holders = sorted(
        KeyGrant.objects.filter(report=report, key_kind="share").values_list(
            "user__username", flat=True
        )
    )
    assert holders == ["inspektur", "kustodian", "pj"]


def test_an_anonymous_report_has_no_identity_key_or_shares(staff):
    report, _ = submit()
    assert not KeyGrant.objects.filter(report=report, key_kind__in=["identity", "share"]).exists()


def test_verifikator_cannot_open_identity(staff):
    report, _ = submit(identity=sealing.IdentityData(name="Pelapor Uji"))
    with pytest.raises(NoAccess):
        sealing.open_identity(_keyring_of(staff["verifikator"]), report)


@pytest.mark.parametrize("role", ["inspektur", "pj", "custodian"])
def test_no_custodian_alone_opens_identity(staff, role):
    report, _ = submit(identity=sealing.IdentityData(name="Pelapor Uji", nip="198507152010011003"))
    with pytest.raises(NoAccess):
        sealing.open_identity(_keyring_of(staff[role]), report)


def test_recovery_key_opens_the_identity(staff, recovery):
    report, _ = submit(identity=sealing.IdentityData(name="Pelapor Uji", nip="198507152010011003"))
    private = recovery_keys.open_recovery_key(recovery["passphrase"])
    grant = KeyGrant.objects.get(report=report, key_kind="identity")
    keyring = Keyring()
    keyring.add_identity_key(report.pk, crypto.unseal(private, grant.sealed_key))
    assert sealing.open_identity(keyring, report).nip == "198507152010011003"


def test_recovery_key_opens_every_report(staff, recovery):
    report, _ = submit(title="Untuk pemulihan")
    private = recovery_keys.open_recovery_key(recovery["passphrase"])
    grant = KeyGrant.objects.get(report=report, key_kind="report", recovery_key__isnull=False)
    keyring = Keyring()
    keyring.add_report(report.pk, rk=crypto.unseal(private, grant.sealed_key))
    assert sealing.open_title(keyring, report) == "Untuk pemulihan"


def test_wrong_recovery_passphrase_opens_nothing(recovery):
    assert recovery_keys.open_recovery_key("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH") is None


def test_access_code_opens_its_report(staff):
    _report, receipt = submit(title="Dengan kode")
    opened_report, keyring = access.open_with_access_code(receipt.access_code)
    assert sealing.open_title(keyring, opened_report) == "Dengan kode"


def test_access_code_is_case_and_dash_insensitive(staff):
    report, receipt = submit()
    typed = receipt.access_code.replace("-", " ").lower()
    assert access.open_with_access_code(typed)[0] == report


def test_wrong_code_opens_nothing(staff):
    submit()
    assert access.open_with_access_code(codes.new_access_code()) is None


def test_code_of_one_report_does_not_open_another(staff):
    _first, receipt = submit()
    second, _ = submit()
    _report, keyring = access.open_with_access_code(receipt.access_code)
    with pytest.raises(NoAccess):
        sealing.open_report(keyring, second)


def test_access_code_is_stored_only_as_a_keyed_hash(staff):
    _report, receipt = submit()
    row = AccessCode.objects.get()
    normalised = codes.normalise_code(receipt.access_code)
    assert normalised not in row.lookup and receipt.access_code not in row.lookup
    assert row.lookup == crypto.keyed_hash("access-code", normalised.encode())


def test_access_code_has_at_least_112_bits():
    import math

    bits = codes.CODE_LENGTH * math.log2(len(codes.ALPHABET))
    assert bits >= 112


def test_access_codes_do_not_repeat():
    assert len({codes.new_access_code() for _ in range(5000)}) == 5000


def test_code_alphabet_has_no_ambiguous_characters():
    assert not set("ILOU") & set(codes.ALPHABET)


def test_registration_numbers_are_not_sequential():
    numbers = [codes.new_registration_number() for _ in range(50)]
    assert numbers != sorted(numbers)


def test_accused_details_are_encrypted(staff):
    report, _ = submit(accused_name="Nama Terlapor Unik")
    raw = bytes(Accused.objects.get(report=report).data_ct)
    assert b"Nama Terlapor Unik" not in raw


def test_file_stream_round_trip_in_chunks():
    import io

    key = crypto.new_key()
    data = bytes(range(256)) * 1000  # 256 KB, several chunks
    blob = crypto.encrypt_bytes_to_file(key, data, ad=b"f")
    assert b"".join(crypto.decrypt_stream(key, io.BytesIO(blob).read, ad=b"f")) == data


def test_truncated_file_is_detected():
    import io

    key = crypto.new_key()
    blob = crypto.encrypt_bytes_to_file(key, b"x" * 200_000, ad=b"f")
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(key, io.BytesIO(blob[:-40]).read, ad=b"f"))


def test_password_change_rewraps_the_same_key_pair(staff):
    user = staff["verifikator"]
    unlocked = keys.unlock(user, PASSWORD)
    keyring = Keyring(
        user_id=user.pk, private_key=unlocked.private_key, signing_key=unlocked.signing_key
    )
    keys.rewrap_for_session(user, keyring, "kata-sandi-baru-yang-panjang")
    assert keys.unlock(user, "kata-sandi-baru-yang-panjang") == unlocked
    assert keys.unlock_private_key(user, PASSWORD) is None


def test_no_table_holds_plaintext_of_a_submission(staff):
    marker = "PENANDA7Q2Z"
    submit(
        title=f"Judul {marker}",
        description=f"Uraian {marker} cukup panjang di sini.",
        accused_name=f"Terlapor {marker}",
        identity=sealing.IdentityData(name=f"Nama {marker}"),
    )
    assert marker.encode() not in _dump_database()


def _dump_database() -> bytes:
    """Every column of every table, as bytes."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview | bytearray):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def test_a_fingerprint_confirms_only_its_own_bound_key_pair(staff):
    from wbs.vault.models import UserKeyPair

    mine = UserKeyPair.objects.get(user=staff["verifikator"])
    other = UserKeyPair.objects.get(user=staff["inspektur"])
    shown = keys.row_fingerprint(mine)
    # As copied from the page: surrounding spaces, lower case.
    assert keys.confirms(mine, f"  {shown.lower()} ")
    assert keys.confirms(mine, shown)
    assert not keys.confirms(other, shown)
    assert not keys.confirms(mine, "")
    # A row whose binding no longer matches (a swapped public key) confirms nothing.
    UserKeyPair.objects.filter(pk=mine.pk).update(public_key=other.public_key)
    mine.refresh_from_db()
    assert not keys.confirms(mine, shown)
