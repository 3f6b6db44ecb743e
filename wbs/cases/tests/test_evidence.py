"""Evidence on a report: stored encrypted, and nothing left behind in the attachment store when
storing fails half-way."""

import pytest
from django.db import transaction

from wbs.cases import evidence
from wbs.cases.tests.helpers import checked_upload, keyring_of
from wbs.intake.tests.factories import submit
from wbs.monitoring.tests.fixtures import stored_files
from wbs.vault import files

pytestmark = pytest.mark.django_db


def test_original_is_removed_when_storing_the_cleaned_copy_fails(staff, settings, monkeypatch):
    report, _receipt = submit()
    real = files.store
    calls = []

    def second_call_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("the store is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "store", second_call_fails)
    with pytest.raises(OSError), evidence.removing_on_failure() as stored, transaction.atomic():
        evidence.store_attachment(
            keyring_of(staff["verifikator"]),
            report,
            checked_upload(),
            source="staff",
            stored_names=stored,
        )
    assert len(calls) == 2 and stored_files(settings) == []


def test_a_stored_attachment_opens_to_its_cleaned_copy(staff):
    report, _receipt = submit(uploads=[checked_upload()])
    info, chunks = evidence.open_attachment(
        keyring_of(staff["verifikator"]), report.attachments.get()
    )
    assert info.name == "bukti-BERKAS-3ZT.txt" and b"ISI-BERKAS-5MV" in b"".join(chunks)
