"""The base of the project's management commands: every mistake on the command line ends in one
line in the installation's language (Bahasa Indonesia), never a traceback or argparse's English
usage text. It stands outside the app layers so that every app's commands can use it.

- argparse's own errors (unknown option, missing argument, a value that is not a number, a
  choice that does not exist) are reworded and printed as `CommandError: …`, exit status 1;
- a file or folder that cannot be read or written becomes a CommandError naming it;
- a passphrase prompt closed with Ctrl+D or Ctrl+C (`ask_secret`) becomes a CommandError;
- messages are translated in LANGUAGE_CODE, whatever language a caller had active.
"""

import errno
import getpass
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# argparse's messages (Python 3.11–3.13), reworded. The last pattern keeps the detail of an
# ArgumentTypeError raised by a command's own type function (translated there).
_ARGPARSE_MESSAGES = [
    (
        r"the following arguments are required: (?P<names>.+)",
        gettext_lazy("Missing required argument: %(names)s"),
    ),
    (r"unrecognized arguments: (?P<names>.+)", gettext_lazy("Unknown argument: %(names)s")),
    (
        r"argument (?P<name>\S+): invalid int value: (?P<value>.+)",
        gettext_lazy("%(name)s: %(value)s is not a whole number"),
    ),
    (
        r"argument (?P<name>\S+): invalid \w+ value: (?P<value>.+)",
        gettext_lazy("%(name)s: %(value)s is not a valid value"),
    ),
    (
        r"argument (?P<name>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
        gettext_lazy("%(name)s: %(value)s is not one of %(choices)s"),
    ),
    (
        r"argument (?P<name>\S+): expected one argument",
        gettext_lazy("%(name)s needs a value"),
    ),
    (
        r"argument (?P<name>\S+): ignored explicit argument (?P<value>.+)",
        gettext_lazy("%(name)s takes no value (given %(value)s)"),
    ),
    (
        r"ambiguous option: (?P<name>\S+) could match (?P<choices>.+)",
        gettext_lazy("%(name)s is ambiguous: it could be %(choices)s"),
    ),
    (r"argument (?P<name>\S+): (?P<detail>.+)", "%(name)s: %(detail)s"),
]

_FILE_ERRORS = {
    errno.ENOENT: gettext_lazy("no such file or folder"),
    errno.EACCES: gettext_lazy("permission denied"),
    errno.EPERM: gettext_lazy("permission denied"),
    errno.EEXIST: gettext_lazy("it exists already"),
    errno.ENOTDIR: gettext_lazy("part of the path is not a folder"),
    errno.EISDIR: gettext_lazy("it is a folder"),
    errno.ENOSPC: gettext_lazy("no space left on the disk"),
    errno.EROFS: gettext_lazy("the file system is read-only"),
}


def argparse_message(message: str) -> str:
    """argparse's English message, reworded in the active language."""
    for pattern, text in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            return str(text) % match.groupdict()
    return _("Invalid arguments: %(detail)s") % {"detail": message}


def file_message(exc: OSError) -> str:
    reason = _FILE_ERRORS.get(exc.errno, exc.strerror or str(exc))
    return _("Cannot use %(path)s: %(reason)s") % {"path": exc.filename, "reason": reason}


class WbsCommandParser(CommandParser):
    def error(self, message):
        with translation.override(settings.LANGUAGE_CODE):
            text = _("%(message)s (see %(prog)s --help)") % {
                "message": argparse_message(message),
                "prog": self.prog,
            }
        if self.called_from_command_line:
            # One line and the exit status of every other CommandError (argparse: usage, 2).
            self.exit(1, f"CommandError: {text}\n")
        raise CommandError(text)


class WbsCommand(BaseCommand):
    """Subclass this instead of Django's BaseCommand (a test checks every project command)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        # call_command gives no program name: its messages name manage.py too.
        parser = super().create_parser(prog_name or "manage.py", subcommand, **kwargs)
        parser.__class__ = WbsCommandParser  # Django builds a CommandParser; only error() differs
        if parser.description is not None:  # a command's gettext_lazy help: argparse wants str
            with translation.override(settings.LANGUAGE_CODE):
                parser.description = str(parser.description)
        return parser

    def execute(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                return super().execute(*args, **options)
            except OSError as exc:
                if exc.filename is None:  # not a file or folder given on the command line
                    raise
                raise CommandError(file_message(exc)) from exc

    def ask_secret(self, prompt: str) -> str:
        try:
            return getpass.getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            raise CommandError(_("No passphrase was entered.")) from None
