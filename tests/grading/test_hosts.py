"""Hosts where bubblewrap cannot create a user namespace: grading refuses to start, names the cause it found and its
fix."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursetools.grading import hosts
from coursetools.paths import REPO

ASSIGNMENT = "ex01_mnist_data"
NO_USERNS = Path(__file__).parent / "no_userns.py"


def unshare_works() -> bool:
    return (
        shutil.which("unshare") is not None
        and subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True).returncode == 0
    )


@pytest.fixture
def grade_command(tmp_path):
    """The grading command on an empty class, with a scratch course and output folder."""
    (tmp_path / "class").mkdir()
    return [
        sys.executable,
        "-m",
        "coursetools.grade",
        ASSIGNMENT,
        str(tmp_path / "class"),
        "--out",
        str(tmp_path / "out"),
        "--course-root",
        str(tmp_path / "course"),
    ]


@pytest.mark.sandbox
@pytest.mark.skipif(
    not unshare_works(), reason="needs `unshare --user` to simulate a host with no user namespaces left"
)
def test_refusal_names_a_user_namespace_limit_of_zero(grade_command, tmp_path):
    """Where user.max_user_namespaces is 0, does grading stop (exit 2) and name that setting and the sysctl that fixes
    it?"""
    limit = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "sh", "-c", limit, "sh", *grade_command],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "cannot create a sandbox" in result.stderr, result.stderr
    assert (
        "user.max_user_namespaces = 0" in result.stderr and "sudo sysctl -w user.max_user_namespaces=" in result.stderr
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.sandbox
@pytest.mark.skipif(
    platform.machine() != "x86_64", reason="the simulated container's seccomp filter is written for x86-64"
)
def test_refusal_names_a_containers_seccomp_filter(grade_command, tmp_path):
    """Under a seccomp filter that blocks user namespaces, as Docker's default profile does, does grading name the
    filter?"""
    result = subprocess.run([sys.executable, str(NO_USERNS), *grade_command], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "a seccomp filter blocks new user namespaces" in result.stderr, result.stderr
    assert "Seccomp: 2" in result.stderr and "grade outside the container" in result.stderr
    assert not (tmp_path / "out").exists()


def fake_proc(root: Path, settings: dict[str, str]) -> Path:
    """A /proc with only the files the diagnosis reads: a user namespace, no seccomp, and ``settings`` by relative
    path."""
    for relative, value in {"self/ns/user": "", "self/status": "Seccomp:\t0\n", **settings}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(value)
    return root


@pytest.mark.parametrize(
    ("settings", "unprivileged", "cause", "fix"),
    [
        ({"sys/kernel/apparmor_restrict_unprivileged_userns": "1"}, True, "AppArmor restricts", "sudo make bubblewrap"),
        ({"sys/kernel/apparmor_restrict_unprivileged_userns": "1"}, False, None, None),
        (
            {"sys/kernel/unprivileged_userns_clone": "0"},
            True,
            "the kernel forbids",
            "kernel.unprivileged_userns_clone=1",
        ),
        ({"sys/user/max_user_namespaces": "0"}, False, "limited to 0", "user.max_user_namespaces=10000"),
        ({"self/status": "Seccomp:\t2\n"}, True, "a seccomp filter", "grade outside the container"),
        (
            {"sys/kernel/apparmor_restrict_unprivileged_userns": "0", "sys/user/max_user_namespaces": "15000"},
            True,
            None,
            None,
        ),
    ],
    ids=["apparmor", "apparmor-as-root", "userns-clone", "limit-zero", "seccomp", "none"],
)
def test_each_cause_is_read_from_the_hosts_settings(tmp_path, settings, unprivileged, cause, fix):
    """Is each cause found from its own setting (read from a /proc written here), with its fix, and none where none is
    set?"""
    found = hosts.diagnose(fake_proc(tmp_path, settings), unprivileged)
    if cause is None:
        assert found is None, found
    else:
        assert found is not None and cause in found.name and fix in found.fix, found


def test_a_kernel_without_user_namespaces_is_named(tmp_path):
    """Where /proc/self/ns/user is missing, does the diagnosis say the kernel has no user namespaces?"""
    proc = fake_proc(tmp_path, {})
    (proc / "self/ns/user").unlink()
    assert hosts.diagnose(proc, True).name == "this kernel has no user namespaces"


@pytest.mark.skipif(shutil.which("apparmor_parser") is None, reason="needs apparmor_parser (Debian package apparmor)")
def test_the_apparmor_profile_parses(tmp_path):
    """Does bwrap's AppArmor profile parse, apart from its AppArmor 4 lines (abi 4.0, userns), which Debian 12's parser
    lacks?"""
    lines = [
        line for line in hosts.PROFILE_TEXT.splitlines() if not line.startswith("abi ") and line.strip() != "userns,"
    ]
    assert len(lines) == len(hosts.PROFILE_TEXT.splitlines()) - 2
    (tmp_path / "bwrap").write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        ["apparmor_parser", "--skip-kernel-load", "--skip-cache", str(tmp_path / "bwrap")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("bwrap") is None, reason="make bubblewrap's check runs as root")
def test_make_bubblewrap_says_whether_ordinary_users_get_a_sandbox():
    """Where bwrap works, does `make bubblewrap` check it as an ordinary user (nobody) and say so?"""
    result = subprocess.run(["make", "--no-print-directory", "bubblewrap"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and "bubblewrap creates sandboxes here for ordinary users" in result.stdout, (
        result.stderr
    )
