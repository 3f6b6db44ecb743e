"""Files and folders only the application's own system user may read: the SQLite database,
the data folder (WBS_DATA_DIR), secrets, backups (their `database.json` holds password hashes
and TOTP secrets). Created 0600 / 0700 whatever the umask, and never readable for a moment in
between (a file is opened with its mode, not chmod-ed after writing). Outside the app layers,
like wbs.cli: the settings use it too. No Django import here."""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | os.PathLike) -> Path:
    """Create `path` (and missing parents) and make it 0700; an existing folder of another
    owner is left as it is (the operator's choice, e.g. a mount point)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _restrict(path, DIR_MODE)
    return path


def open_private(path: str | os.PathLike, mode: str = "wb"):
    """Open `path` for writing, created 0600 (an existing file is made 0600 first)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"}))


def write_private(path: str | os.PathLike, data: bytes | str) -> None:
    with open_private(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def private_file(path: str | os.PathLike) -> None:
    """Make sure `path` exists and is 0600 (an empty file is created if missing: for SQLite an
    empty file is an empty database, and its -wal and -shm files take the database's mode)."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        open_private(path, "ab").close()
    _restrict(path, FILE_MODE)


def restrict_tree(root: str | os.PathLike) -> None:
    """Every folder under `root` 0700 and every file 0600 (a finished backup)."""
    root = Path(root)
    _restrict(root, DIR_MODE)
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        _restrict(path, DIR_MODE if path.is_dir() else FILE_MODE)


def _restrict(path: Path, mode: int) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        return
    if stat.S_IMODE(info.st_mode) & ~mode:
        os.chmod(path, mode)
