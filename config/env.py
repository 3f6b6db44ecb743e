"""Strict parsers for settings read from the environment (after healthchecks' envbool)."""

import contextlib
import os
import socket

from django.core.exceptions import ImproperlyConfigured


def envstr(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value in ("True", "true", "1", "yes"):
        return True
    if value in ("False", "false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def envint(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_from_env_or_file(name: str) -> str | None:
    """Read NAME, or the file named by NAME_FILE (for secrets kept outside the environment)."""
    value = envstr(name)
    path = envstr(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if path:
        try:
            with open(path, encoding="ascii") as fh:
                value = fh.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc.strerror}") from None
    return value or None


LOOPBACK = ("", "127.0.0.1", "localhost", "::1", "[::1]")


def demo_network_hosts(listen: str) -> list[str]:
    """The names and addresses by which a phone on the local network reaches this machine when
    the demo listens on `listen` (`HOST=0.0.0.0 make demo`); none for a loopback address."""
    if listen in LOOPBACK:
        return []
    if listen not in ("0.0.0.0", "::", "[::]"):  # noqa: S104 - demo only  # nosec B104
        return [f"[{listen}]" if ":" in listen and not listen.startswith("[") else listen]
    name = socket.gethostname()
    hosts = {name, f"{name}.local"}
    with contextlib.suppress(OSError):
        hosts.update(str(info[4][0]) for info in socket.getaddrinfo(name, None, socket.AF_INET))
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # a UDP "connect" sends nothing: it picks the route out
        hosts.add(probe.getsockname()[0])
    return sorted(host for host in hosts if host and not host.startswith("127."))
