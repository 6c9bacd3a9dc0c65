"""One submission's kernel, in a bubblewrap sandbox, and the cells it is asked to run.

The sandbox sees the system and the course's Python environment read-only,
the course package and the data read-only, and one writable folder: a
throwaway copy of the submission. It has no network, a private ``/tmp`` and
``HOME``, its own PID namespace (when its first process ends, every process
it started ends too), no capabilities, and it dies with the grader. The
kernel talks to the grader over IPC sockets in the writable folder, because a
new network namespace cannot reach the grader's loopback. Cells are sent over
those sockets: the notebook with the hidden tests never lies on disk inside.
``SANDBOX=none`` runs the same kernel without bubblewrap, for machines that
cannot run it; the grader then warns that submissions run with its own rights.
"""

from __future__ import annotations

import glob
import os
import queue
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from jupyter_client import KernelManager

from coursetools.grading import hosts
from coursetools.grading.limits import THREAD_VARIABLES, CgroupLimits, Limits, Watchdog, task_limit_command
from coursetools.grading.record import Status
from coursetools.paths import DATA, REPO

SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


def bwrap_prefix(work_dir: Path, limits: Limits) -> list[str]:
    """The bubblewrap command line that runs a command inside the sandbox, with ``work_dir`` writable."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed: install the Debian package with `apt-get install bubblewrap` "
            "(`make grade` does this as root), or grade without a sandbox with SANDBOX=none"
        )
    command = [
        bwrap,
        "--unshare-user",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--cap-drop",
        "ALL",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
        "--new-session",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    for folder in SYSTEM_FOLDERS:
        if os.path.exists(folder):
            command += ["--ro-bind", folder, folder]
    for folder in sorted({sys.base_prefix, sys.prefix, str(REPO / "aecourse"), str(DATA)}):
        command += ["--ro-bind", folder, folder]
    for device in glob.glob("/dev/nvidia*"):
        command += ["--dev-bind", device, device]
    command += ["--bind", str(work_dir), str(work_dir), "--chdir", str(work_dir), "--clearenv"]
    for name, value in kernel_environment(work_dir, limits).items():
        command += ["--setenv", name, value]
    return command + ["--"]


def check_bwrap() -> None:
    """Raise SandboxUnavailable unless bubblewrap is installed and can run this Python in a sandbox here.

    An installed ``bwrap`` can still fail on every submission, where this host does not let the
    grader create user namespaces; this finds that out before anything is graded, and the message
    names the setting that stops it and the fix (``hosts.cause_text``).
    """
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="aecourse-probe-") as folder:
        command = bwrap_prefix(Path(folder), Limits()) + [sys.executable, "-c", "import aecourse"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise SandboxUnavailable("bubblewrap did not start Python in a sandbox within 60 s") from None
    if result.returncode != 0:
        said = (result.stderr.strip() or f"exit status {result.returncode}").splitlines()[-1]
        raise SandboxUnavailable(
            f"bubblewrap is installed but cannot create a sandbox on this machine ({said}). "
            f"{hosts.cause_text()}. Or grade without a sandbox with SANDBOX=none, "
            "only for notebooks you trust"
        )


def check_sandbox(sandbox: str) -> None:
    """Before grading: raise SandboxUnavailable when the sandbox cannot work; warn loudly when there is none."""
    if sandbox == "none":
        why = "" if shutil.which("bwrap") else "; bubblewrap is not installed"
        print(
            f"WARNING: grading WITHOUT a sandbox (sandbox none{why}): every submission runs with your rights and can "
            "read and change your files. Use it only for submissions you trust.",
            file=sys.stderr,
        )
        return
    check_bwrap()


def kernel_environment(work_dir: Path, limits: Limits) -> dict[str, str]:
    """The variables a sandboxed kernel sees: nothing of the grader's, threads pinned, headless plots, the data
    folder."""
    threads = str(limits.threads)
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "IPYTHONDIR": "/tmp/ipython",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "AECOURSE_DATA": str(DATA),
        "NBGRADER_EXECUTION": "autograde",
        **dict.fromkeys(THREAD_VARIABLES, threads),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def raising_line(traceback: list[str]) -> str:
    """The line of the cell itself that was running when the error was raised (the first marked frame line)."""
    for frame in traceback:
        for line in _ANSI.sub("", frame).splitlines():
            if line.lstrip().startswith("---->"):
                return line.split("---->", 1)[1].strip().split(" ", 1)[-1].strip()
    return ""


class _SandboxedKernelManager(KernelManager):
    """A kernel manager that starts ipykernel behind a prefix (bubblewrap, cgroups) with a fixed command line."""

    prefix: Sequence[str] = ()

    def format_kernel_cmd(self, extra_arguments=None):
        return [
            *self.prefix,
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            self.connection_file,
            "--IPKernelApp.capture_fd_output=False",
            "--HistoryManager.enabled=False",
        ]


@dataclass
class Execution:
    """What one cell did: the kernel's reply status, the error if any, its text output (truncated), its seconds."""

    status: str
    error: str = ""
    output: str = ""
    seconds: float = 0.0
    expressions: dict = field(default_factory=dict)
    replies: int = 1


class KernelStopped(Exception):
    """The kernel stopped answering; ``reason`` says why (timeout, out of memory, too much output, crashed)."""

    def __init__(self, reason: Status, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def kernel_prefix(work_dir: Path, limits: Limits, sandbox: str, cgroups: CgroupLimits | None) -> list[str]:
    """What the kernel's command runs under: its cgroup (when there is one), then bubblewrap and the task limit."""
    prefix = cgroups.command_prefix() if cgroups else []
    if sandbox == "bwrap":
        prefix += bwrap_prefix(work_dir, limits) + ([] if cgroups else task_limit_command(limits))
    return prefix


class SandboxedKernel:
    """A kernel in a sandbox (or, with ``sandbox="none"``, not), under the limits, for one submission's cells."""

    def __init__(self, work_dir: Path, limits: Limits, sandbox: str = "bwrap"):
        if sandbox not in ("bwrap", "none"):
            raise ValueError(f'sandbox must be "bwrap" or "none"; found {sandbox!r}')
        self.work_dir, self.limits, self.sandbox = Path(work_dir), limits, sandbox
        self.cgroups = CgroupLimits(self.work_dir.name, limits) if CgroupLimits.available() else None
        self.watchdog: Watchdog | None = None
        self.output_bytes = 0

    def __enter__(self) -> Self:
        sockets = self.work_dir / ".kernel"
        sockets.mkdir(parents=True, exist_ok=True)
        self.manager = _SandboxedKernelManager(
            transport="ipc", ip=str(sockets / "ipc"), connection_file=str(sockets / "connection.json")
        )
        self.manager.prefix = kernel_prefix(self.work_dir, self.limits, self.sandbox, self.cgroups)
        environment = {**kernel_environment(self.work_dir, self.limits), "PATH": os.environ.get("PATH", "")}
        self.kernel_log = (sockets / "kernel.log").open("wb")
        try:
            self.manager.start_kernel(
                cwd=str(self.work_dir), env=environment, stdout=self.kernel_log, stderr=self.kernel_log
            )
            self.client = self.manager.client()
            self.client.start_channels()
            self.client.wait_for_ready(timeout=120)
        except RuntimeError as error:
            self.close()
            raise KernelStopped(Status.CRASHED, f"the kernel did not start: {error}") from error
        if self.cgroups is None:
            self.watchdog = Watchdog(self.manager.provisioner.process.pid, self.limits)
            self.watchdog.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the kernel and every process it started; remove the cgroups."""
        if getattr(self, "client", None) is not None:
            self.client.stop_channels()
        if getattr(self, "manager", None) is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        if self.watchdog is not None:
            self.watchdog.stop()
        if getattr(self, "kernel_log", None) is not None:
            self.kernel_log.close()
        if self.cgroups is not None:
            self.cgroups.kill_all()
            for _ in range(20):
                if not (self.cgroups.pids / "cgroup.procs").read_text().strip():
                    break
                time.sleep(0.05)
            self.cgroups.remove()

    def stop_reason(self) -> Status:
        """Why the kernel died: out of memory, too many processes, or crashed."""
        if self.cgroups is not None:
            if self.cgroups.out_of_memory():
                return Status.OUT_OF_MEMORY
            if self.cgroups.hit_process_limit():
                return Status.TOO_MANY_PROCESSES
        if self.watchdog is not None and self.watchdog.reason:
            return self.watchdog.reason
        return Status.CRASHED

    def _take_output(self, message, kept: list[str]) -> None:
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            text = content.get("text", "")
        elif kind in ("execute_result", "display_data"):
            text = str(content.get("data", {}).get("text/plain", ""))
        elif kind == "error":
            text = f"{content.get('ename', '')}: {content.get('evalue', '')}\n"
        else:
            return
        self.output_bytes += len(text)
        if sum(map(len, kept)) < 20_000:
            kept.append(text)

    def execute(
        self, code: str, timeout: float, *, silent: bool = False, user_expressions: dict | None = None
    ) -> Execution:
        """Run ``code``; return the kernel's reply. Raises ``KernelStopped`` on timeout, death or too much output."""
        start = time.monotonic()
        msg_id = self.client.execute(
            code, silent=silent, store_history=not silent, user_expressions=user_expressions or {}, allow_stdin=False
        )
        replies, idle, kept = [], False, []
        while not (replies and idle):
            if time.monotonic() - start > timeout:
                if self.cgroups is not None and self.cgroups.hit_process_limit():
                    raise KernelStopped(
                        Status.TOO_MANY_PROCESSES, f"it tried to run more than {self.limits.processes} processes"
                    )
                raise KernelStopped(Status.TIMEOUT, f"ran longer than {timeout:g} s")
            # Wait on the channel that still owes a message: output until the kernel is idle, then the reply.
            try:
                if idle:
                    replies += self._shell_replies(msg_id, wait=0.2, first=True)
                else:
                    message = self.client.get_iopub_msg(timeout=0.2)
                    if message["parent_header"].get("msg_id") == msg_id:
                        idle = message["msg_type"] == "status" and message["content"]["execution_state"] == "idle"
                        self._take_output(message, kept)
            except queue.Empty:
                pass
            if not (replies and idle) and not self.manager.is_alive():
                raise KernelStopped(self.stop_reason())
            replies += self._shell_replies(msg_id, wait=0)
            if self.output_bytes > self.limits.output_bytes:
                raise KernelStopped(Status.TOO_MUCH_OUTPUT, f"more than {self.limits.output_bytes:,} characters")
        # The real reply comes after anything the cell itself sent on the shell channel, so a forged
        # reply is already here; collect what has arrived without waiting for more.
        replies += self._shell_replies(msg_id, wait=0)
        if self.cgroups is not None and self.cgroups.hit_process_limit():
            raise KernelStopped(
                Status.TOO_MANY_PROCESSES, f"it tried to run more than {self.limits.processes} processes"
            )
        content = replies[0]["content"]
        error = ""
        if content["status"] == "error":
            error = ": ".join(filter(None, (content.get("ename"), content.get("evalue"))))
            line = raising_line(content.get("traceback", []))
            if line and (content.get("ename") != "AssertionError" or not content.get("evalue")):
                error += f" (raised by `{line}`)"  # an assertion with a message says what it found; one without, where
        return Execution(
            content["status"],
            error,
            "".join(kept),
            time.monotonic() - start,
            content.get("user_expressions", {}),
            len(replies),
        )

    def _shell_replies(self, msg_id: str, wait: float, first: bool = False) -> list:
        """The shell channel's replies to ``msg_id``, waiting up to ``wait`` s for each; with ``first``, stop at one."""
        found = []
        while True:
            try:
                message = self.client.get_shell_msg(timeout=wait)
            except queue.Empty:
                return found
            if message["parent_header"].get("msg_id") == msg_id:
                found.append(message)
                if first:
                    return found
