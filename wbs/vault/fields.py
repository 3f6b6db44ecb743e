"""Sealed values on domain rows: a ciphertext column that owns its place.

`SealedField` is a binary column holding one JSON value encrypted under a report's key (the
report key RK, or the identity key IK), with associated data naming the row it belongs to:
`wbs:v1:<table>:<field>:<row id>`. A ciphertext copied to another row or column fails to open.
The model declares the label once; nothing outside wbs.vault builds it or touches the column.

    class Message(models.Model):
        body_ct = SealedField(label="message:body")

    message.body.seal(keyring, "text")   # sets body_ct (the row is saved by the caller)
    message.body.open(keyring)           # "text"; raises NoAccess without the report's key
    bool(message.body)                   # whether a value was sealed

`SealedFile` does the same for a file in the attachment store: the row keeps only the random
storage name and the SHA-256 of the ciphertext.
"""

import json
from collections.abc import Iterator

from django.db import models

from . import crypto, files
from .keyring import Keyring

ROW_SELF = "pk"


class _Place:
    """Where a sealed value lives: which report's key, which label, which row id."""

    def __init__(self, label: str, *, key: str, report: str, row: str):
        table, _sep, field = label.partition(":")
        if not table or not field or key not in ("report", "identity"):
            raise ValueError(f"bad sealed label {label!r} or key {key!r}")
        self.table, self.field, self.kind, self.report, self.row = table, field, key, report, row

    def report_id(self, instance):
        return instance.pk if self.report == ROW_SELF else getattr(instance, self.report)

    def ad(self, instance) -> bytes:
        return crypto.aad(self.table, self.field, getattr(instance, self.row))

    def key(self, keyring: Keyring, instance) -> bytes:
        return keyring._key(self.report_id(instance), self.kind)


class SealedField(models.BinaryField):
    """A JSON value sealed under a report's key. `label` is "table:field" of the associated
    data; `report` names the attribute holding the report id ("pk" on the report itself);
    `row` the attribute whose value is the row id in the associated data; `key` is "report" or
    "identity". The accessor appears under the column's name without its `_ct` suffix."""

    def __init__(
        self,
        *args,
        label: str = "",
        key: str = "report",
        report: str = "report_id",
        row: str = ROW_SELF,
        **kwargs,
    ):
        self.place = _Place(label, key=key, report=report, row=row) if label else None
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # The label and key choice change nothing in the database: migrations see a plain
        # binary column, as before this field existed.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.BinaryField", args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if self.place is not None and not cls._meta.abstract:
            setattr(cls, name.removesuffix("_ct"), _Descriptor(self, SealedValue))


class _Descriptor:
    def __init__(self, spec, accessor):
        self.spec, self.accessor = spec, accessor

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return self.accessor(self.spec, instance)


class SealedValue:
    """The sealed value of one row (see the module docstring)."""

    def __init__(self, field: SealedField, instance):
        self._field, self._instance = field, instance

    def __bool__(self) -> bool:
        return getattr(self._instance, self._field.attname) is not None

    def __repr__(self) -> str:
        return f"<sealed {self._field.place.table}.{self._field.place.field}>"

    def seal(self, keyring: Keyring, value) -> None:
        place = self._field.place
        blob = crypto.encrypt(
            place.key(keyring, self._instance),
            json.dumps(value).encode(),
            ad=place.ad(self._instance),
        )
        setattr(self._instance, self._field.attname, blob)

    def open(self, keyring: Keyring):
        """The value, or None when nothing was sealed; raises NoAccess without the key."""
        blob = getattr(self._instance, self._field.attname)
        if blob is None:
            return None
        place = self._field.place
        return json.loads(
            crypto.decrypt(
                place.key(keyring, self._instance), bytes(blob), ad=place.ad(self._instance)
            )
        )


class SealedFile:
    """A file in the attachment store, encrypted under the report key (WBSF1 stream format),
    bound to its row by associated data. `name_field` holds the random storage name and
    `digest_field` the SHA-256 of the ciphertext (never of the plaintext)."""

    def __init__(self, label: str, *, name_field: str, digest_field: str, report="report_id"):
        self.place = _Place(label, key="report", report=report, row=ROW_SELF)
        self.name_field, self.digest_field = name_field, digest_field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return SealedFileValue(self, instance)


class SealedFileValue:
    def __init__(self, spec: SealedFile, instance):
        self._spec, self._instance = spec, instance

    def __bool__(self) -> bool:
        return bool(getattr(self._instance, self._spec.name_field))

    @property
    def storage_name(self) -> str:
        return getattr(self._instance, self._spec.name_field)

    def store(self, keyring: Keyring, data: bytes) -> str:
        """Encrypt `data` into the attachment store; set the row's name and digest fields
        (the row is saved by the caller). Returns the storage name."""
        place = self._spec.place
        name, digest = files.store(
            place.key(keyring, self._instance), data, place.ad(self._instance)
        )
        setattr(self._instance, self._spec.name_field, name)
        setattr(self._instance, self._spec.digest_field, digest)
        return name

    def intact(self) -> bool:
        """The stored ciphertext is there and unchanged: its SHA-256 is the one kept in the row
        (read without decrypting). A truncated, altered or missing file gives False."""
        expected = getattr(self._instance, self._spec.digest_field)
        try:
            actual = files.ciphertext_digest(self.storage_name)
        except (OSError, ValueError):  # missing, unreadable, or a name the store refuses
            return False
        return bool(expected) and crypto.constant_time_equal(actual, expected)

    def open(self, keyring: Keyring) -> Iterator[bytes]:
        """The plaintext, decrypted chunk by chunk as it is read from the store."""
        place = self._spec.place
        return files.open_stream(
            place.key(keyring, self._instance), self.storage_name, place.ad(self._instance)
        )
