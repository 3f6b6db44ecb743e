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


# Roles that receive every new report (their key pairs get a grant at submission).
RECEIVING_ROLES = frozenset({Role.VERIFIKATOR, Role.INSPEKTUR})
# Roles that handle case content; an administrator needs a second person's approval to get one.
CASE_ROLES = frozenset({Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB})


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
        return bool(self.roles & CASE_ROLES)

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
    """Granting a case-handling role to an administrator (themself included) needs a second
    administrator's approval (docs/design/product.md §2)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

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

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.role} for {self.user_id} ({self.state})"
