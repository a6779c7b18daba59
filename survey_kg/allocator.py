"""The `survey-kg` command runs under mimalloc, a faster memory allocator than the C library's
(docs/decisions/0021-mimalloc.md).

Oxigraph and Python allocate a string or an object for nearly every term that a query, a check,
a README or a dump touches; with mimalloc a 10,000-paper build takes about a tenth less CPU. A
process's allocator is fixed when it starts (the dynamic loader preloads it, LD_PRELOAD), so the
command starts itself again, once, with the library preloaded, before it reads anything: the
same interpreter, the same arguments (`sys.orig_argv`), the same environment plus LD_PRELOAD and
SURVEY_KG_ALLOCATOR=mimalloc (which also stops it starting a third time), and
MIMALLOC_ALLOW_THP=0 unless that is set: mimalloc then turns transparent huge pages off for the
process and those it starts (prctl PR_SET_THP_DISABLE), where it would otherwise ask the kernel
for them. On the 2-core benchmark machine (a virtual machine) a fault on a fresh huge page costs
milliseconds, and a large build takes hundreds of them: loading 100,000 papers 33.1 -> 26.7 s,
a 10,000-paper build 12.3 -> 11.8 s (docs/decisions/0021-mimalloc.md). The library comes from
the cmeel-mimalloc wheel, on Linux. Elsewhere, when the library is not installed, or with
SURVEY_KG_ALLOCATOR set (to `system`, say), the command runs as it was started.
"""

from __future__ import annotations

import os
import sys

ENV = "SURVEY_KG_ALLOCATOR"
LIBRARY = os.path.join("cmeel.prefix", "lib", "libmimalloc.so")  # where cmeel-mimalloc puts it
OPTIONS = {"MIMALLOC_ALLOW_THP": "0"}  # mimalloc's options for the command, unless set already


def mimalloc_library(paths: list[str] | None = None) -> str | None:
    """The mimalloc shared library of the cmeel-mimalloc wheel installed in a site-packages
    folder on `paths` (default: sys.path), or None. Only there: a library preloaded into the
    command must not come from the current folder (`python -m` puts it on sys.path) or from a
    script's."""
    for folder in sys.path if paths is None else paths:
        if os.path.basename(folder) not in ("site-packages", "dist-packages"):
            continue
        candidate = os.path.join(folder, LIBRARY)
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


def restart_args(environ: dict[str, str], argv: list[str], executable: str,
                 platform: str = sys.platform,
                 library: str | None = None) -> tuple[str, list[str], dict[str, str]] | None:
    """(program, arguments, environment) that start this command again under mimalloc, or None
    when it runs as started: not Linux, no library, no interpreter path, or ENV already set."""
    if platform != "linux" or ENV in environ or not executable or not argv:
        return None
    library = library or mimalloc_library()
    if library is None:
        return None
    preload = environ.get("LD_PRELOAD", "")
    env = OPTIONS | dict(environ, LD_PRELOAD=f"{library}:{preload}" if preload else library)
    env[ENV] = "mimalloc"
    return executable, [executable, *argv[1:]], env


def restart_under_mimalloc() -> None:
    """Start this command again under mimalloc (this function then does not return), unless
    `restart_args` says it runs as started. A failed exec leaves it running as started."""
    args = restart_args(dict(os.environ), sys.orig_argv, sys.executable)
    if args is None:
        return
    try:
        os.execve(*args)
    except OSError:
        pass  # the interpreter cannot be started again (a sandbox): the C library's malloc
