"""The associated data of every sealed column, pinned: a stored ciphertext opens only with its
label, so changing one (table, field or which row id it names) would make every existing report
unreadable. Each row is sealed through its SealedField and opened with the label written out."""

import json
import uuid

import pytest

from wbs.cases import models as m
from wbs.vault import crypto
from wbs.vault.keyring import Keyring

REPORT_ID = uuid.uuid4()
ROW_ID = uuid.uuid4()

# (model, column, label table, label field, row id used in the label, key kind)
LABELS = [
    (m.Report, "title_ct", "report", "title", REPORT_ID, "report"),
    (m.Report, "details_ct", "report", "details", REPORT_ID, "report"),
    (m.Report, "identity_ct", "report", "identity", REPORT_ID, "identity"),
    (m.Accused, "data_ct", "accused", "data", ROW_ID, "report"),
    (m.Message, "body_ct", "message", "body", ROW_ID, "report"),
    (m.Attachment, "meta_ct", "attachment", "meta", ROW_ID, "report"),
    (m.Screening, "reason_ct", "screening", "reason", 42, "report"),
    (m.Screening, "override_reason_ct", "screening", "override", 42, "report"),
    (m.ReviewVersion, "content_ct", "review", "content", ROW_ID, "report"),
    (m.ReviewVersion, "decision_note_ct", "review", "decision_note", ROW_ID, "report"),
    (m.FollowUp, "details_ct", "follow_up", "details", REPORT_ID, "report"),
    (m.ResultReport, "text_ct", "result", "text", REPORT_ID, "report"),
    (m.IdentityRequest, "reason_ct", "identity_request", "reason", ROW_ID, "report"),
    (
        m.IdentityRequest,
        "decision_reason_ct",
        "identity_request",
        "decision_reason",
        ROW_ID,
        "report",
    ),
]


def _row(model):
    if model is m.Report:
        return m.Report(id=REPORT_ID)
    row = model(report_id=REPORT_ID)
    row.pk = 42 if model is m.Screening else ROW_ID
    return row


@pytest.mark.parametrize(
    ("model", "column", "table", "field", "row_id", "kind"),
    LABELS,
    ids=[f"{model.__name__}.{column}" for model, column, *_rest in LABELS],
)
def test_every_sealed_column_keeps_its_label(model, column, table, field, row_id, kind):
    keyring = Keyring()
    keyring.new_report(REPORT_ID, identity=True)
    row = _row(model)
    getattr(row, column.removesuffix("_ct")).seal(keyring, {"isi": "nilai"})
    key = keyring._key(REPORT_ID, kind)
    blob = getattr(row, column)
    opened = crypto.decrypt(key, blob, ad=f"wbs:v1:{table}:{field}:{row_id}".encode())
    assert json.loads(opened) == {"isi": "nilai"}


def test_the_list_covers_every_sealed_column():
    from django.apps import apps

    from wbs.vault.fields import SealedField

    declared = {
        (model, field.attname)
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, SealedField)
    }
    assert declared == {(model, column) for model, column, *_rest in LABELS}


def test_attachment_files_keep_their_labels():
    keyring = Keyring()
    keyring.new_report(REPORT_ID, identity=False)
    row = _row(m.Attachment)
    for variant in ("original", "cleaned"):
        spec = type(row).__dict__[variant]
        assert (spec.place.table, spec.place.field) == ("attachment", variant)
        assert spec.place.ad(row) == f"wbs:v1:attachment:{variant}:{ROW_ID}".encode()
