"""Reading input safely and writing output atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError

# Inputs larger than this are refused rather than read into memory; SURVEY_KG_MAX_INPUT_BYTES
# overrides it.
DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024


def max_input_bytes() -> int:
    return int(os.environ.get("SURVEY_KG_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES))


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file (a BOM is dropped, CRLF is read as LF), or raise InputError."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=path) from None
    limit = max_input_bytes()
    if size > limit:
        raise InputError(f"the file is {size} bytes, over the {limit}-byte input limit", file=path,
                         hint="split it, or raise SURVEY_KG_MAX_INPUT_BYTES")
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", file=path, hint="give a file with content")
    if b"\x00" in data:
        raise InputError("the file is binary (it contains NUL bytes), not text", file=path,
                         hint="give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"the file is not valid UTF-8 (byte {exc.start})", file=path, line=line,
                         hint="save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def atomic_write(path: Path | str, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`: a reader (or a crash)
    sees either the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
