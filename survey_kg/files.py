"""Reading input safely and writing output atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from .errors import InputError

# Inputs larger than this are refused rather than read into memory; SURVEY_KG_MAX_INPUT_BYTES
# overrides it.
DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024


def max_input_bytes() -> int:
    value = os.environ.get("SURVEY_KG_MAX_INPUT_BYTES", "").strip()
    if not value:
        return DEFAULT_MAX_INPUT_BYTES
    if not value.isdigit() or int(value) == 0:
        raise InputError(f"SURVEY_KG_MAX_INPUT_BYTES is {value!r}, not a positive whole number "
                         "of bytes", hint="set it to e.g. 67108864 (64 MiB), or unset it")
    return int(value)


def _path(path: Path | str) -> Path:
    return path if isinstance(path, Path) else Path(path)  # Path(a Path) parses it again


def read_limited(path: Path | str) -> bytes:
    """A file's bytes, exactly as on disk, refused (InputError) over the input limit."""
    path = _path(path)
    limit = max_input_bytes()
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise InputError(f"the file is {size} bytes, over the {limit}-byte input limit",
                                 file=path, hint="split it, or raise SURVEY_KG_MAX_INPUT_BYTES")
            data = handle.read(size + 1)  # not read(limit + 1): that allocates the limit each time
            if len(data) > size:  # the file grew since stat()
                data += handle.read(limit + 1 - len(data))
    except OSError as exc:  # missing, a folder, no permission
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    if len(data) > limit:
        raise InputError(f"the file is over the {limit}-byte input limit", file=path,
                         hint="split it, or raise SURVEY_KG_MAX_INPUT_BYTES")
    return data


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file (a BOM is dropped, CRLF is read as LF), or raise InputError."""
    path = _path(path)
    data = read_limited(path)
    try:
        return _text_bytes(path, data).decode("utf-8")
    except UnicodeDecodeError:
        error = utf8_error(path, data)  # the same bytes, BOM and line ends aside: not UTF-8
        assert error is not None
        raise error from None


def read_utf8_bytes(path: Path | str) -> bytes:
    """A text file's bytes as `read_text` reads it (a BOM dropped, CRLF and CR as LF; refused when
    empty, binary or over the input limit) but not decoded: for a parser that decodes UTF-8
    itself (Oxigraph), which saves decoding and encoding again. When the parser says the text is
    not UTF-8, `utf8_error` gives read_text's error."""
    return _text_bytes(_path(path), read_limited(path))


def utf8_error(path: Path | str, data: bytes | None = None) -> InputError | None:
    """The InputError `read_text` raises when the file (or `data`, its bytes as on disk) is not
    valid UTF-8, naming the line and the first bad byte; None when it is valid."""
    data = read_limited(path) if data is None else data
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:offset].count(b"\n") + 1
        return InputError(f"the file is not valid UTF-8 (byte 0x{data[offset]:02x} at offset "
                          f"{offset})", file=Path(path), line=line, hint="save the file as UTF-8")
    return None


def _text_bytes(path: Path, data: bytes) -> bytes:
    if not data or data.isspace():  # (not strip(): that copies every file)
        raise InputError("the file is empty", file=path, hint="give a file with content")
    if b"\x00" in data:
        raise InputError("the file is binary (it contains NUL bytes), not text", file=path,
                         hint="give a UTF-8 text file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:  # a CR byte is never part of a multi-byte UTF-8 character
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def atomic_write(path: Path | str, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`: a reader (or a crash)
    sees either the old file or the new one, never half of one.

    The temporary file is `.NAME.PID.RANDOM.tmp`. A process killed mid-write leaves its one behind;
    the next write of the same file removes those whose process is gone (see
    docs/decisions/0008-hostile-input.md)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    atomic_write_stream(Path(path), lambda handle: handle.write(data))


def atomic_write_stream(path: Path, write: Callable[[BinaryIO], object], *,
                        keep_if_same: bool = False) -> tuple[int, bool]:
    """`atomic_write` for content that `write(file)` streams out (a dump too big to hold twice).
    With `keep_if_same`, a file whose bytes would not change is left untouched. Returns (size in
    bytes, whether the file was replaced)."""
    staged = stage_write(path, write, keep_if_same=keep_if_same)
    staged.commit()
    return staged.size, staged.changed


@dataclass
class Staged:
    """A file written in full beside `path` (fsynced, under its temporary name) but not yet in
    place: `commit()` renames it over `path`, `discard()` removes it. `tmp` is None when the
    content equals what `path` holds already (nothing to do)."""

    path: Path
    tmp: Path | None
    size: int
    pending: bool = True  # neither committed nor discarded yet

    @property
    def changed(self) -> bool:
        return self.tmp is not None

    def commit(self) -> None:
        if self.tmp is None or not self.pending:
            return
        try:
            os.replace(self.tmp, self.path)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise InputError(f"cannot write the file: {exc.strerror or exc}",
                                 file=self.path) from None
            raise
        self.pending = False

    def discard(self) -> None:
        if self.tmp is not None and self.pending:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
        self.pending = False


def commit_all(staged: list[Staged]) -> list[Path]:
    """Rename staged files into place, in their order; when one cannot be, the rest are removed
    and the error is raised. Returns the paths whose content changed."""
    for index, file in enumerate(staged):
        try:
            file.commit()
        except BaseException:
            for rest in staged[index + 1:]:
                rest.discard()
            raise
    return [file.path for file in staged if file.changed]


def stage_files(files: list[tuple[Path, Callable[[BinaryIO], object]]], *,
                keep_if_same: bool = False) -> list[Staged]:
    """`stage_write` for many files (path, write): each folder is searched once for what killed
    writers left (an import writes hundreds of files into works/). On an error, what was staged
    is removed."""
    staged: list[Staged] = []
    try:
        for folder in sorted({path.parent for path, _ in files}):  # (stage_write makes it)
            _remove_stale_temporaries(folder, {path.name for path, _ in files
                                               if path.parent == folder})
        for path, write in files:
            staged.append(stage_write(path, write, keep_if_same=keep_if_same, clean=False))
    except BaseException:
        for file in staged:
            file.discard()
        raise
    return staged


def stage_write(path: Path, write: Callable[[BinaryIO], object], *,
                keep_if_same: bool = False, clean: bool = True) -> Staged:
    """The first half of `atomic_write_stream`: the new content on disk beside `path`, ready to
    be renamed over it (see Staged). The temporary file is named after this process, so that a
    later write removes it if this process dies before committing (`clean`: look for those
    first; `stage_files` did)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if clean:
            _remove_stale_temporaries(path.parent, {path.name})
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                   dir=path.parent)
    except OSError as exc:
        raise InputError(f"cannot write the file: {exc.strerror or exc}", file=path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            size = handle.tell()
            handle.flush()
            same = keep_if_same and _same_bytes(Path(tmp), path)
            if not same:
                os.fsync(handle.fileno())
        if same:
            os.unlink(tmp)
            return Staged(path, None, size)
        os.chmod(tmp, _mode_for(path))  # mkstemp makes it 0600; a written file is not secret
        return Staged(path, Path(tmp), size)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the file: {exc.strerror or exc}", file=path) from None
        raise


def _same_bytes(new: Path, old: Path) -> bool:
    try:
        if not old.is_file() or old.stat().st_size != new.stat().st_size:
            return False
        with new.open("rb") as a, old.open("rb") as b:
            while True:
                chunk = a.read(1 << 20)
                if chunk != b.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, or for a new file what open() would give."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_stale_temporaries(folder: Path, names: set[str]) -> None:
    """Remove the `.NAME.PID.RANDOM.tmp` files in `folder` (NAME one of `names`) left by writers
    that were killed (their process no longer exists). A live writer's file is left alone. POSIX
    only: elsewhere they stay."""
    if os.name != "posix":
        return
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(".") and entry.endswith(".tmp")):
            continue
        parts = entry[1:-4].rsplit(".", 2)  # NAME (dots and all), PID, RANDOM (no dots)
        if len(parts) == 3 and parts[0] in names and parts[1].isdigit() \
                and not _process_exists(int(parts[1])):
            with contextlib.suppress(OSError):
                (folder / entry).unlink()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: no signal is sent, only whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a real pid: leave its file alone
    try:  # Linux: a zombie (ended, not yet reaped by its parent) writes nothing more
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
