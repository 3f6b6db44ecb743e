"""Log records keep where an error happened, never what it was about.

An exception's text may quote what a reporter typed or a value decrypted from the vault (a
validation error, a database error's DETAIL line, a KeyError of a field's content): Django's
`django.request` logger, a task worker or any other logger would write it with the traceback.
This filter, on every handler of LOGGING, replaces the exception of a record by its type and
its frames (file, line, function), and drops the message arguments of records that carry an
exception, keeping the fixed format string (Django's "Internal Server Error: <path>" is kept
whole)."""

import logging
import traceback

REDACTED = "[teks disembunyikan]"


def exception_outline(exc: BaseException) -> str:
    """The chain of exception types and frames, without any exception's text."""
    lines = []
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}: {REDACTED}")
        lines += [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        current = current.__cause__ or current.__context__
    return "Traceback (most recent exception first):\n" + "\n".join(lines)


class RedactExceptionText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            record.exc_text = exception_outline(exc)
            record.exc_info = None
            if record.name != "django.request":
                # Django's request logger formats the reason and the path only (reporter paths
                # carry no secret); another logger's arguments may be anything.
                record.msg, record.args = f"{record.msg} {REDACTED}", ()
        return True
