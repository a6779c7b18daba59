"""What a child process of survey-kg does first (the build's checker, a query's worker)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def start_child(parent: int) -> None:
    """Ctrl-C reaches the whole process group: the parent stops, and ends its children, which must
    not print a KeyboardInterrupt traceback of their own. On Linux the kernel kills the child
    when its parent dies, even by SIGKILL, so a killed build leaves no process writing behind it;
    a child whose parent `parent` is already gone ends at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)
