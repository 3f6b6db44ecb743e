"""Staff and registered-reporter accounts and the Tim WBS roles (docs/design/product.md §2)."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VERIFIKATOR = "verifikator", _("Verifikator")
    PENELAAH = "penelaah", _("Penelaah")
    INSPEKTUR = "inspektur", _("Inspektur")
    PENANGGUNG_JAWAB = "penanggung_jawab", _("Penanggung Jawab")
    PEMBINA = "pembina", _("Pembina")
    ADMIN = "admin", _("Administrator Sistem")
    CUSTODIAN = "kustodian", _("Identity custodian")


# Roles that receive every new report (their listed key gets a grant at submission).
RECEIVING_ROLES = frozenset({Role.VERIFIKATOR, Role.INSPEKTUR})
# Roles that handle case content or identities. Never held together with the Administrator
# role (separation of duties, enforced in accounts.services and by a database trigger); each
# takes effect only when an Inspektur (for an Inspektur: the trust root) approves it.
CASE_ROLES = frozenset(
    {Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.CUSTODIAN}
)


class User(AbstractUser):
    """A person who logs in: a member of the Tim WBS (kind=staff) or a registered reporter.

    Registered reporters may use an alias as username; nothing about them is required but a
    password. Their identity details, when given, are sealed to their own key (vault).
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        REPORTER = "reporter", _("Registered reporter")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    jabatan = models.CharField(_("position"), max_length=150, blank=True)
    pangkat = models.CharField(_("rank/grade"), max_length=80, blank=True)
    wilayah = models.ForeignKey(
        "directory.Wilayah",
        verbose_name=_("Irban area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Required for a Penelaah: the Irban wilayah (or Investigasi) they belong to."),
    )
    notify_by_email = models.BooleanField(_("e-mail notifications"), default=False)
    # The password was set by somebody else (a new account, a reset): the next log-in must
    # choose a new one before anything else, and only then is the key pair made.
    password_set_by_other = models.BooleanField(_("must choose a new password"), default=False)
    # Bumped to end every session of this user (password or 2FA change, administrator action).
    session_generation = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk or self.kind != self.Kind.STAFF or not self.is_active:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def end_all_sessions(self) -> None:
        """Every session of this user ends at its next request (see SessionTimeoutMiddleware)."""
        type(self).objects.filter(pk=self.pk).update(
            session_generation=models.F("session_generation") + 1
        )
        self.refresh_from_db(fields=["session_generation"])

    @property
    def has_inbox(self) -> bool:
        """Whether the inbox is in the menu: every case role but the identity custodian's (a
        custodian only decides identity requests, on their own page)."""
        return bool(self.roles & (CASE_ROLES - {Role.CUSTODIAN}))

    @property
    def is_reporter(self) -> bool:
        return self.kind == self.Kind.REPORTER

    @property
    def is_wbs_staff(self) -> bool:
        return self.kind == self.Kind.STAFF


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_on = models.DateTimeField(_("granted on"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class RoleRequest(models.Model):
    """A role waiting for its decider (docs/design/product.md §2): the Administrator role for
    a second administrator; a case role for an Inspektur, who lists the person with their key;
    the Inspektur role for the trust root (the recovery passphrase). `relist`: a role already
    held whose listing was removed (a reset password or second factor) and must be approved
    again."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

    class Decider(models.TextChoices):
        ADMIN = "admin", _("a second administrator")
        INSPEKTUR = "inspektur", _("an Inspektur")
        ROOT = "root", _("the recovery passphrase holder")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decider = models.CharField(max_length=10, choices=Decider.choices, default=Decider.ADMIN)
    relist = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.role} for {self.user_id} ({self.state})"


class Alert(models.Model):
    """A content-free notice to an Inspektur or identity custodian that something about who
    may hold keys happened (a role change, an approval, a reset, an identity request or
    decision). Shown on the staff pages until acknowledged; the event is in the audit trail."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    verb = models.CharField(max_length=60)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "acknowledged_at"], name="alert_open")]

    def __str__(self) -> str:
        return f"{self.verb} for {self.recipient_id}"
