"""What a staff member can and cannot see yet, and how to get access (issue 12 §3): shown on
their first page (the inbox, or the welcome page when no case role is in force yet) instead of
a bare "no key". Metadata only: role requests and roles, never a report's content."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.accounts.models import RECEIVING_ROLES, Role, RoleRequest

FINGERPRINT = gettext_lazy(
    "The decider compares your key fingerprint (shown on My account) with you in person before "
    "approving."
)


def pending_requests(user) -> list[RoleRequest]:
    return list(RoleRequest.objects.filter(user=user, state=RoleRequest.State.PENDING))


def access_guidance(user, *, locked_rows: bool = False) -> list[str]:
    """Paragraphs for `user`: each pending role request (what it waits for and what it means),
    and, when the page lists reports whose content is locked to them, why and what to do."""
    lines = []
    pending = pending_requests(user)
    for row in pending:
        role, decider = Role(row.role).label, row.get_decider_display()
        if row.relist:
            text = _(
                "Your %(role)s role must be approved again (your password or authenticator "
                "was reset): until %(decider)s approves it, you receive no new report keys."
            )
        else:
            text = _(
                "Your request for the %(role)s role waits for %(decider)s. Until it is "
                "approved you cannot read report content, and reports are not sealed to you."
            )
        lines.append(f"{text % {'role': role, 'decider': decider}} {FINGERPRINT}")
    if locked_rows and not pending:
        if user.roles & RECEIVING_ROLES:
            lines.append(
                _(
                    "Reports marked 'content locked' were not sealed to your current keys (for "
                    "example they arrived while your role awaited approval, or before your "
                    "password was reset). An Inspektur can re-issue them to you with the "
                    "recovery passphrase (menu Key recovery), or a key holder can forward a "
                    "report to you from its page."
                )
            )
        elif Role.PENELAAH in user.roles:
            lines.append(
                _(
                    "A report handed to you whose content is locked was not sealed to your "
                    "current keys (for example after your password was reset): ask an "
                    "Inspektur to re-issue your keys (menu Key recovery)."
                )
            )
        else:
            lines.append(
                _(
                    "Your role sees the list of reports and the figures; a report's content "
                    "opens for you only when a key holder (for example the Inspektur) forwards "
                    "it to you from its page. Reports marked 'content locked' are not yours to "
                    "read yet."
                )
            )
    return lines
