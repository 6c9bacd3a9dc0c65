"""Ordinary Unix users for the tests that must not run as root: made with useradd, each run with su.

An instructor gets a copy of the repository in ``~/course`` (the files git
tracks or would track, with their times, so that make's stamps hold) and an
environment of their own in ``~/course/.venv``, built from Debian's
``/usr/bin/python3`` with the course's Makefile (the Python that runs as root
may live where other users cannot enter) and owned by them. The copy is
refreshed on every use; the environment is built once and rebuilt only when
the requirements change.

    python tests/grading/accounts.py USER -- COMMAND [ARGUMENT ...]

As root: create USER if missing, refresh their course, and run COMMAND in it as
USER; exit with its status (``.ci/run`` runs the limit tests this way).
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
INSTRUCTOR = "aecourse-instructor"


def ensure_user(name: str) -> pwd.struct_passwd:
    """The Unix user ``name``, created (with a home folder) when missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        return pwd.getpwnam(name)


def delete_user(name: str) -> None:
    """Stop every process of ``name``, then remove the user and their home folder (nothing when there is no such
    user)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    if subprocess.run(["pgrep", "-u", name], capture_output=True).returncode == 0:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)  # only this test account's processes
    subprocess.run(["userdel", "--remove", name], capture_output=True)


def environment(user: pwd.struct_passwd, **extra: str) -> dict[str, str]:
    """What the user's commands see: their own home, the system's PATH, pip's settings (local wheels) and ``extra``."""
    pip = {key: value for key, value in os.environ.items() if key.startswith("PIP_")}
    return {
        **pip,
        "HOME": user.pw_dir,
        "USER": user.pw_name,
        "LOGNAME": user.pw_name,
        "LANG": "C.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        **extra,
    }


def run_as(user: pwd.struct_passwd, command: list[str], cwd: Path, timeout: float = 1800, **extra: str):
    """Run ``command`` in ``cwd`` as ``user`` with su; return the finished process (output captured, never raising)."""
    line = f"cd {shlex.quote(str(cwd))} && exec {shlex.join(command)}"
    return subprocess.run(
        ["su", user.pw_name, "-s", "/bin/sh", "-c", line],
        env=environment(user, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_as(user: pwd.struct_passwd, path: Path, text: str, mode: int = 0o644) -> None:
    """Write ``path`` (and the folders above it, inside the user's home) as a file the user owns."""
    home = Path(user.pw_dir)
    for folder in reversed(path.relative_to(home).parents[:-1]):
        if not (home / folder).exists():
            (home / folder).mkdir()
            os.chown(home / folder, user.pw_uid, user.pw_gid)
    path.write_text(text)
    os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(mode)


def repository_files() -> list[str]:
    """The repository's files as git sees them: tracked, or new and not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(name for name in listed.split("\0") if name and (REPO / name).is_file())


def refresh_copy(target: Path, user: pwd.struct_passwd) -> None:
    """Make ``target`` hold the repository's files (times kept), owned by ``user``; its .venv stays."""
    target.mkdir(exist_ok=True)
    os.chown(target, user.pw_uid, user.pw_gid)
    for entry in target.iterdir():
        if entry.name != ".venv":
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for name in repository_files():
        destination = target / name
        for folder in reversed(destination.relative_to(target).parents[:-1]):
            if not (target / folder).exists():
                (target / folder).mkdir()
                os.chown(target / folder, user.pw_uid, user.pw_gid)
        shutil.copy2(REPO / name, destination)
        os.chown(destination, user.pw_uid, user.pw_gid)


def course(name: str = INSTRUCTOR) -> tuple[pwd.struct_passwd, Path]:
    """The user ``name`` and their course: a fresh copy of the repository, with its environment built when needed.

    The environment is built by root, with root's pip and its cache of wheels (the course's own .venv was
    just made from them), from Debian's python3, then handed to the user: the same venv the user would
    build with `make PYTHON=/usr/bin/python3 .venv/.installed`, in a fraction of the time.
    """
    user = ensure_user(name)
    folder = Path(user.pw_dir) / "course"
    refresh_copy(folder, user)
    stamp = folder / ".venv" / ".installed"
    before = stamp.stat().st_mtime_ns if stamp.exists() else None
    clean = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    built = subprocess.run(
        ["make", "--no-print-directory", f"PYTHON={SYSTEM_PYTHON}", ".venv/.installed"],
        cwd=folder,
        env={**clean, "PATH": "/usr/local/bin:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if built.returncode != 0:
        raise RuntimeError(
            f"the course's environment for {name} could not be built:\n{built.stdout[-3000:]}\n{built.stderr[-3000:]}"
        )
    if stamp.stat().st_mtime_ns != before:
        subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(folder)], check=True)
    return user, folder


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python tests/grading/accounts.py USER -- COMMAND [ARGUMENT ...]", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("accounts.py creates users and runs commands as them: run it as root", file=sys.stderr)
        return 2
    user, folder = course(argv[0])
    print(f"running as {user.pw_name} in {folder}: {shlex.join(argv[2:])}", flush=True)
    result = subprocess.run(
        ["su", user.pw_name, "-s", "/bin/sh", "-c", f"cd {shlex.quote(str(folder))} && exec {shlex.join(argv[2:])}"],
        env=environment(user),
    )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
