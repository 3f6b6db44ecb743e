"""Key material at rest. Every row here is either public or sealed/wrapped: a dump of these
tables opens nothing without a password, a Kode Akses or the recovery passphrase.

Grants and access codes point at the record whose keys they hold: the model named by the
WBS_VAULT_REPORT_MODEL setting (the domain's report), so that they go when it goes. The vault
imports no domain code; the setting is the one place the two meet."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecoveryKey(models.Model):
    """The organisation recovery key pair; the private half is wrapped under a passphrase that
    was shown once at set-up and is stored nowhere."""

    public_key = models.BinaryField(max_length=32)
    wrapped_private_key = models.BinaryField()
    # The trust root: an Ed25519 key pair whose verify key's fingerprint is pinned outside the
    # database (WBS_TRUST_ROOT); its signing seed is wrapped with the private key (wbs.vault.keys).
    verify_key = models.BinaryField(max_length=32, null=True)
    salt = models.BinaryField(max_length=16)
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_recovery_key"
            )
        ]
        verbose_name = _("recovery key")

    def __str__(self) -> str:
        return f"RecoveryKey {self.pk} ({'active' if self.active else 'retired'})"


class UserKeyPair(models.Model):
    """A user's X25519 key pair (and, for staff, an Ed25519 signing key pair); the private keys
    are wrapped under Argon2id of their password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="keypair"
    )
    public_key = models.BinaryField(max_length=32)
    wrapped_private_key = models.BinaryField()
    verify_key = models.BinaryField(max_length=32, null=True)
    # HMAC under the pepper (outside the database) of (user, public key, verify key), written
    # only while the private keys are in hand: a public key swapped in by SQL does not match,
    # so nothing is signed for it or sealed to it (wbs.vault.keys.is_bound).
    binding = models.CharField(max_length=64, blank=True, default="")
    salt = models.BinaryField(max_length=16)
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    # A registered reporter's own identity details, sealed to their own public key.
    sealed_profile = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("user key pair")

    def __str__(self) -> str:
        return f"KeyPair of user {self.user_id}"


class KeyGrant(models.Model):
    """A report key (RK) or identity key (IK) sealed to one user or to the recovery key."""

    class KeyKind(models.TextChoices):
        REPORT = "report", _("report key")
        IDENTITY = "identity", _("identity key")
        IDENTITY_SHARE = "share", _("share of the identity key")

    report = models.ForeignKey(
        settings.WBS_VAULT_REPORT_MODEL, on_delete=models.CASCADE, related_name="key_grants"
    )
    key_kind = models.CharField(max_length=10, choices=KeyKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="key_grants",
    )
    recovery_key = models.ForeignKey(RecoveryKey, on_delete=models.PROTECT, null=True, blank=True)
    sealed_key = models.BinaryField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(max_length=255, blank=True)
    # The day only: a grant is written at the moment of submission, so a precise time here
    # would give back what the report itself keeps coarse (docs/design/product.md §5).
    created_at = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "key_kind", "user"],
                condition=Q(user__isnull=False),
                name="one_grant_per_user_and_key",
            ),
            models.UniqueConstraint(
                fields=["report", "key_kind", "recovery_key"],
                condition=Q(recovery_key__isnull=False),
                name="one_grant_per_recovery_key",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, recovery_key__isnull=True)
                | Q(user__isnull=True, recovery_key__isnull=False),
                name="grant_has_exactly_one_recipient",
            ),
        ]
        indexes = [models.Index(fields=["user", "key_kind", "report"], name="grant_user_lookup")]

    def __str__(self) -> str:
        return f"{self.key_kind} grant for report {self.report_id}"


class SigningCertificate(models.Model):
    """The trust root's signature over one Inspektur signing key (wbs.vault.signing). Kept
    after the holder's key is replaced: listings it signed stay valid."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_certificates"
    )
    verify_key = models.BinaryField(max_length=32, unique=True)
    signature = models.BinaryField()
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing certificate")

    def __str__(self) -> str:
        return f"Certificate of user {self.user_id}"


class RecipientListing(models.Model):
    """One person's public key listed for a scope, signed by a certified Inspektur or by the
    root (`signer`: the signer's verify key in hex, or "root"). wbs.vault.listings."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings"
    )
    scope = models.CharField(max_length=12)
    public_key = models.BinaryField(max_length=32)
    signer = models.CharField(max_length=64)
    signature = models.BinaryField()
    created_on = models.DateField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope"], name="one_listing_per_scope")
        ]
        verbose_name = _("recipient listing")

    def __str__(self) -> str:
        return f"Listing {self.scope} of user {self.user_id}"


class AccessCode(models.Model):
    """The anonymous reporter's way back in. The code itself is never stored: `lookup` is a
    keyed hash of it and the report/identity keys are wrapped under a key derived from it:
    keyed BLAKE2b with the pepper (`kdf` "blake2b"), or Argon2id for codes issued before
    (`kdf` "argon2id", re-wrapped at their next look-up; docs/adr/0016)."""

    class Kdf(models.TextChoices):
        BLAKE2B = "blake2b", _("BLAKE2b keyed with the pepper")
        ARGON2ID = "argon2id", _("Argon2id (codes issued before)")

    report = models.OneToOneField(
        settings.WBS_VAULT_REPORT_MODEL, on_delete=models.CASCADE, related_name="access_code"
    )
    lookup = models.CharField(max_length=64, unique=True)
    kdf = models.CharField(max_length=10, choices=Kdf.choices, default=Kdf.ARGON2ID)
    salt = models.BinaryField(max_length=16)
    opslimit = models.PositiveIntegerField()  # Argon2id only (0 for BLAKE2b)
    memlimit = models.PositiveBigIntegerField()  # Argon2id only (0 for BLAKE2b)
    wrapped_keys = models.BinaryField()

    def __str__(self) -> str:
        return f"AccessCode for report {self.report_id}"


class ReporterVaultItem(models.Model):
    """A registered reporter's link to one of their reports, sealed to their own key, so the
    database does not say which report an account filed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_items"
    )
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"Vault item of user {self.user_id}"


class HeldText(models.Model):
    """Text a staff member sent after their session had expired, kept until they log in again
    (wbs.vault.held): ciphertext only; its key is in that browser's cookie, never here, so
    neither an administrator nor someone reading the database can open it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"Held text {self.id}"


class SubmissionReceipt(models.Model):
    """The receipt of a submission that carried an idempotency key (wbs.vault.idempotency),
    kept a day or two so that the client's retry gets the same receipt instead of a second
    report. Sealed under a key derived from the idempotency key, which only the client holds;
    looked up by a keyed hash of it. Kept 15 minutes (wbs.vault.idempotency.WINDOW), so its
    time says no more than watching the database for new reports would."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lookup = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("submission receipt (for a retry)")
        verbose_name_plural = _("submission receipts (for a retry)")

    def __str__(self) -> str:
        return f"Submission receipt {self.id}"
