"""Whether bubblewrap can create a sandbox on this host, what stops it when it cannot, and the one fix for each cause.

Standard library only, so that it runs with any ``python3`` before the course's
environment exists (``make bubblewrap`` runs it):

    python3 -m coursetools.grading.hosts          # can an ordinary user run bwrap here? if not, why, and the fix
    python3 -m coursetools.grading.hosts --fix    # as root on Ubuntu 23.10 and later: also install bwrap's
                                                  # AppArmor profile

Each cause is read from the host's settings, never guessed from bubblewrap's
message: AppArmor's restriction of unprivileged user namespaces (Ubuntu 23.10
and later), Debian's ``kernel.unprivileged_userns_clone``, a limit of 0 user
namespaces, and a seccomp filter (a container's default profile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROBE = [
    "--unshare-user",
    "--unshare-net",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--ro-bind",
    "/",
    "/",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "true",
]
"""A bwrap command line with the namespaces a grading sandbox creates, running ``true``."""

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
"""How root runs the probe as an ordinary user: the restrictions below do not apply to root."""

APPARMOR_PROFILE = Path("/etc/apparmor.d/bwrap")
PROFILE_TEXT = """\
# Written by `make bubblewrap` (the autoencoder course): lets bubblewrap create the user
# namespaces of its sandboxes where AppArmor restricts unprivileged user namespaces
# (kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 23.10 and later). It confines
# nothing else: bwrap runs as it would without AppArmor. This is the form of profile
# Ubuntu documents for an application that needs user namespaces.
abi <abi/4.0>,
include <tunables/global>

profile bwrap /usr/bin/bwrap flags=(unconfined) {
  userns,

  # Site-specific additions and overrides. See local/README for details.
  include if exists <local/bwrap>
}
"""


@dataclass(frozen=True)
class Cause:
    """What stops bwrap here, what was read that shows it, and the one fix."""

    name: str
    evidence: str
    fix: str

    def describe(self) -> str:
        return f"{self.name} ({self.evidence}). Fix: {self.fix}"


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _seccomp_mode(proc: Path) -> str:
    for line in _read(proc / "self" / "status").splitlines():
        if line.startswith("Seccomp:"):
            return line.split(":", 1)[1].strip()
    return ""


def diagnose(proc: Path = Path("/proc"), unprivileged: bool | None = None) -> Cause | None:
    """The host setting that stops ``unprivileged`` processes (default: this one, unless root) creating user
    namespaces."""
    unprivileged = os.geteuid() != 0 if unprivileged is None else unprivileged
    if not (proc / "self" / "ns" / "user").exists():
        return Cause(
            "this kernel has no user namespaces",
            f"{proc}/self/ns/user is missing",
            "grade on another machine (for example over Dask), or with SANDBOX=none for trusted notebooks",
        )
    if unprivileged and _read(proc / "sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
        return Cause(
            "AppArmor restricts unprivileged user namespaces to programs it has a profile for",
            "kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 23.10 and later",
            "run `sudo make bubblewrap`, which installs the AppArmor profile that lets /usr/bin/bwrap create them",
        )
    if unprivileged and _read(proc / "sys/kernel/unprivileged_userns_clone") == "0":
        return Cause(
            "the kernel forbids unprivileged user namespaces",
            "kernel.unprivileged_userns_clone = 0",
            "`sudo sysctl -w kernel.unprivileged_userns_clone=1` (and that setting in a file of /etc/sysctl.d/, "
            "to keep it after a reboot)",
        )
    if _read(proc / "sys/user/max_user_namespaces") == "0":
        return Cause(
            "user namespaces are limited to 0",
            "user.max_user_namespaces = 0",
            "`sudo sysctl -w user.max_user_namespaces=10000` (and that setting in a file of /etc/sysctl.d/, "
            "to keep it after a reboot)",
        )
    if _seccomp_mode(proc) == "2":
        return Cause(
            "a seccomp filter blocks new user namespaces, as container runtimes' default profiles do",
            f"Seccomp: 2 in {proc}/self/status, and no sysctl forbids user namespaces",
            "grade outside the container (or start it with `--security-opt seccomp=unconfined`)",
        )
    return None


def probe(as_nobody: bool = False) -> subprocess.CompletedProcess | None:
    """Run bwrap once with a sandbox's namespaces (as the user nobody when asked, from root); None without bwrap."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    command = [*NOBODY, bwrap, *PROBE] if as_nobody else [bwrap, *PROBE]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")


def cause_text(unprivileged: bool | None = None, proc: Path = Path("/proc")) -> str:
    """The cause found and its fix, as a sentence; or which causes were looked for and not found."""
    cause = diagnose(proc, unprivileged)
    if cause is not None:
        return f"Cause: {cause.describe()}"
    return (
        "None of the known causes was found (AppArmor's restriction, kernel.unprivileged_userns_clone = 0, "
        "user.max_user_namespaces = 0, a seccomp filter)"
    )


def explain(stderr: str, unprivileged: bool | None = None, proc: Path = Path("/proc")) -> str:
    """Why bwrap failed: bubblewrap's own last line, then the cause found and its fix (``cause_text``)."""
    said = (stderr.strip().splitlines() or ["no message"])[-1]
    return f"bubblewrap says: {said}. {cause_text(unprivileged, proc)}"


def install_apparmor_profile() -> str:
    """Write bwrap's AppArmor profile (unless a profile of that name is there) and load it; say what was done."""
    if APPARMOR_PROFILE.exists() and APPARMOR_PROFILE.read_text() != PROFILE_TEXT:
        done = f"kept the existing {APPARMOR_PROFILE} (not written by this course)"
    else:
        APPARMOR_PROFILE.write_text(PROFILE_TEXT)
        done = (
            f"wrote {APPARMOR_PROFILE}, an unconfined AppArmor profile for /usr/bin/bwrap that allows user namespaces,"
        )
    loaded = subprocess.run(["apparmor_parser", "-r", str(APPARMOR_PROFILE)], capture_output=True, text=True)
    if loaded.returncode != 0:
        raise RuntimeError(f"{done} but `apparmor_parser -r {APPARMOR_PROFILE}` failed: {loaded.stderr.strip()}")
    return f"{done} and loaded it with `apparmor_parser -r`"


def fix() -> int:
    """``make bubblewrap``'s check: as root, probe as nobody and install bwrap's AppArmor profile when that is the
    cause."""
    root = os.geteuid() == 0
    result = probe(as_nobody=root and shutil.which("setpriv") is not None)
    if result is None:
        print("bubblewrap (bwrap) is not installed", file=sys.stderr)
        return 2
    who = "ordinary users" if root else "you"
    if result.returncode == 0:
        print(f"bubblewrap creates sandboxes here for {who}")
        return 0
    cause = diagnose(unprivileged=True if root else None)
    if not (root and cause is not None and cause.name.startswith("AppArmor") and shutil.which("apparmor_parser")):
        print(
            f"bubblewrap cannot create a sandbox here for {who}. {explain(result.stderr, True if root else None)}",
            file=sys.stderr,
        )
        return 2
    try:
        done = install_apparmor_profile()
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 2
    again = probe(as_nobody=True)
    if again is not None and again.returncode == 0:
        print(f"{done}: bubblewrap now creates sandboxes for ordinary users")
        return 0
    print(
        f"{done}, but bwrap still fails for ordinary users: {explain(again.stderr if again else '', True)}",
        file=sys.stderr,
    )
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m coursetools.grading.hosts", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fix", action="store_true", help="as root: install bwrap's AppArmor profile where that is the cause"
    )
    arguments = parser.parse_args(argv)
    if arguments.fix:
        return fix()
    result = probe()
    if result is None:
        print("bubblewrap (bwrap) is not installed", file=sys.stderr)
        return 2
    if result.returncode == 0:
        print("bubblewrap creates sandboxes here")
        return 0
    print(f"bubblewrap cannot create a sandbox here. {explain(result.stderr)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
