"""The audit trail's action codes in words (issue 12 §5): every verb the code base writes, as
a translatable label for the audit viewer, and the viewer's filter as a choice list (a whole
group such as every workflow step, or one action). Codes stay in the stored events."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wbs.accounts.alerts import LABELS as ALERT_LABELS
from wbs.cases.workflow import TRANSITIONS

GROUPS = {
    "auth.": _("Log-in and sessions (all)"),
    "workflow.": _("Workflow steps (all)"),
    "case.": _("Case work (all)"),
    "identity.": _("Reporter identity (all)"),
    "role.": _("Roles (all)"),
    "user.": _("Accounts (all)"),
    "masterdata.": _("Master data (all)"),
    "security.": _("Security alarms (all)"),
    "recovery.": _("Recovery key (all)"),
    "report.": _("Reports: receipt, retention (all)"),
    "reporter.": _("Reporter actions (all)"),
}

LABELS = {
    **ALERT_LABELS,
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.failed": _("Log-in failed"),
    "auth.throttled": _("Log-in refused: too many attempts"),
    "auth.password_changed": _("Password changed"),
    "auth.password_chosen": _("Own password chosen"),
    "auth.totp_enrolled": _("Authenticator app set up"),
    "auth.totp_reset": _("Authenticator app replaced by its owner"),
    "auth.must_choose": _("Log-in with a password set by someone else"),
    "authz.denied": _("Access refused"),
    "case.viewed": _("Case page opened"),
    "case.message_sent": _("Message sent to the reporter"),
    "case.note_added": _("Internal note added"),
    "case.review_saved": _("Telaahan saved"),
    "case.files_added": _("Files added by staff"),
    "case.reporter_news_seen": _("New reporter message opened by a handler"),
    "attachment.original_downloaded": _("Original file downloaded"),
    "attachment.downloaded": _("Cleaned file downloaded"),
    "attachment.refused_by_antivirus": _("File refused by the antivirus"),
    "document.exported": _("Document downloaded (PDF)"),
    "document.receipt": _("Receipt downloaded"),
    "document.issued": _("Numbered letter issued"),
    "inbox.titles_opened": _("Inbox titles decrypted"),
    "export.recap": _("Recap exported"),
    "export.register": _("Register exported"),
    "identity.viewed": _("Reporter identity opened"),
    "masterdata.created": _("Master data added"),
    "masterdata.changed": _("Master data changed"),
    "masterdata.deleted": _("Master data deleted"),
    "masterdata.loaded": _("Initial master data loaded"),
    "recovery.failed": _("Wrong recovery passphrase"),
    "recovery.identity_keys_split": _("Identity keys shared among custodians"),
    "recovery.regranted": _("Report keys re-issued from the recovery key"),
    "recovery.rotated": _("Recovery key replaced"),
    "recovery.rotation_failed": _("Recovery key replacement failed"),
    "recovery.vault_upgraded": _("Vault upgraded"),
    "report.submitted": _("Report received"),
    "report.destroyed": _("Report destroyed (retention period over)"),
    "report.legal_hold": _("Legal hold set"),
    "report.legal_hold_released": _("Legal hold lifted"),
    "reporter.message": _("Reporter sent a message"),
    "reporter.evidence": _("Reporter added evidence"),
    "reporter.session_opened": _("Reporter opened their report"),
    "security.lookup_alarm": _("Access codes tried in bulk (alarm)"),
    "settings.changed": _("Settings changed"),
    "system.reconciled": _("Database and attachment store reconciled"),
    "user.created": _("Account created"),
    "user.changed": _("Account details changed"),
    "user.sessions_ended": _("Sessions ended by an administrator"),
    **{
        f"workflow.{action}": format_lazy("{} {}", _("Step:"), transition.label)
        for action, transition in TRANSITIONS.items()
    },
}


def label(verb: str) -> str:
    """The words for an action code; an unknown code (an older release's) is shown as is."""
    return str(LABELS.get(verb, verb))


def choices() -> list[tuple[str, str]]:
    """The filter's choices: the groups first, then every action, in alphabetical order."""
    groups = sorted(((code, str(text)) for code, text in GROUPS.items()), key=lambda c: c[1])
    actions = sorted(((code, str(text)) for code, text in LABELS.items()), key=lambda c: c[1])
    return [*groups, *actions]
