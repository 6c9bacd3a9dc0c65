"""Run a command under a seccomp filter that blocks new user namespaces, as container runtimes' default profiles do.

    python tests/grading/no_userns.py COMMAND [ARGUMENT ...]

Like Docker's default profile, the filter answers EPERM to ``clone`` and
``unshare`` with CLONE_NEWUSER and ENOSYS to ``clone3`` (so that the C library
falls back to ``clone``), and lets every other system call through. x86-64 Linux only.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
CLONE, UNSHARE, CLONE3 = 56, 272, 435  # x86-64 system call numbers
CLONE_NEWUSER = 0x10000000
ALLOW, ERRNO = 0x7FFF0000, 0x00050000
LOAD, JUMP_IF_EQUAL, JUMP_IF_SET, RETURN = 0x20, 0x15, 0x45, 0x06
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2

# (code, jump if true, jump if false, constant); seccomp_data holds nr at 0, arch at 4, args[0] at 16
PROGRAM = [
    (LOAD, 0, 0, 4),
    (JUMP_IF_EQUAL, 0, 6, AUDIT_ARCH_X86_64),  # another architecture: allow
    (LOAD, 0, 0, 0),
    (JUMP_IF_EQUAL, 6, 0, CLONE3),  # clone3: ENOSYS
    (JUMP_IF_EQUAL, 1, 0, UNSHARE),
    (JUMP_IF_EQUAL, 0, 2, CLONE),
    (LOAD, 0, 0, 16),  # unshare or clone: their flags
    (JUMP_IF_SET, 1, 0, CLONE_NEWUSER),
    (RETURN, 0, 0, ALLOW),
    (RETURN, 0, 0, ERRNO | errno.EPERM),
    (RETURN, 0, 0, ERRNO | errno.ENOSYS),
]


class _Program(ctypes.Structure):
    _fields_ = [("length", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def block_user_namespaces() -> None:
    """Install the filter in this process (and so in everything it runs)."""
    code = b"".join(struct.pack("=HBBI", *instruction) for instruction in PROGRAM)
    libc = ctypes.CDLL(None, use_errno=True)
    program = _Program(len(PROGRAM), code)
    if (
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        or libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0
    ):
        raise OSError(ctypes.get_errno(), "could not install the seccomp filter")


if __name__ == "__main__":
    block_user_namespaces()
    os.execvp(sys.argv[1], sys.argv[1:])
