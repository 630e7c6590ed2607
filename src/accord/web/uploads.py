"""Uploaded scenarios, read safely: a bounded body, a checked zip, loading in a sandbox.

An upload is an accord YAML file (``.yaml``/``.yml``) or a ``.zip`` of a scenario folder (GENIUS
XML, GeniusWeb JSON, NegoLog JSON or NegMAS YAML; :func:`accord.api.load` detects which). The
server never trusts it:

* the request body is read in chunks and refused (413) as soon as it passes the upload limit
  (``app.state.max_upload`` plus a little room for the form's own fields), so an oversized file
  is never read whole;
* a zip may hold at most :data:`MAX_MEMBERS` members, :data:`MAX_UNZIPPED` bytes in all (as
  declared, and counted again while extracting), no member compressed more than
  :data:`MAX_RATIO` times (a zip bomb), and no absolute path, ``..``, link or device; it is
  extracted into a temporary folder that is removed afterwards;
* the file is loaded, turned into accord YAML and read back in a forked child process with a
  time and memory limit (:func:`accord.tournaments.sandbox.call_isolated`), so a hostile file can
  neither hang nor exhaust the server.

Every refusal is an :class:`UploadRefused` whose message is one readable line naming the
user's own file (never the temporary folder) and whose ``status`` is 400 or 413.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from accord.errors import AccordError
from accord.tournaments.sandbox import call_isolated

#: Room for the form's other fields and the multipart framing around the file.
FORM_ROOM = 64 * 1024
#: Most members a zip may hold.
MAX_MEMBERS = 200
#: Most bytes a zip may unpack to (declared sizes, and counted again while extracting).
MAX_UNZIPPED = 50 * 1024 * 1024
#: Largest compression ratio of one member.
MAX_RATIO = 200
#: Limits of the sandboxed load.
LOAD_SECONDS = 20.0
LOAD_MEMORY_MB = 1024
#: Longest message shown for an error.
MAX_MESSAGE = 600

YAML_SUFFIXES = (".yaml", ".yml")


class UploadRefused(AccordError):
    """An upload that cannot be stored; ``str()`` says why in one line."""

    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(_one_line(message))


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as it came in: its (base) name and its bytes, with the form's other fields."""

    filename: str
    data: bytes
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class Loaded:
    """An upload read as a scenario: its name and its text as accord YAML (already re-read)."""

    name: str
    yaml: str


def _one_line(message: str) -> str:
    text = " ".join(message.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


# -- the request ---------------------------------------------------------------------------------
async def read_form(
    request: Request, limit: int, *, shown: int | None = None, max_fields: int = 100
) -> FormData:
    """The request's form, its body read in chunks and refused (413) past ``limit`` bytes (the
    message names ``shown``, the limit the user knows, when given)."""
    length = request.headers.get("content-length")
    too_large = UploadRefused(
        f"the upload is larger than the limit of {_megabytes(shown or limit)}", 413
    )
    if length is not None and length.isdigit() and int(length) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    body = b"".join(chunks)
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        return await Request(request.scope, replay).form(max_files=1, max_fields=max_fields)
    except Exception as exc:  # starlette raises several kinds on a malformed body
        raise UploadRefused(f"the form could not be read: {exc}") from None


def text_fields(form: FormData) -> dict[str, str]:
    """The form's fields that are text (not files)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def read_upload(
    request: Request, check: Callable[[dict[str, str]], None] | None = None
) -> Upload:
    """The uploaded file (form field ``file``) and the other fields, which ``check`` (the CSRF
    check) sees before the file is looked at; 413 past the upload limit."""
    max_upload: int = request.app.state.max_upload
    form = await read_form(request, max_upload + FORM_ROOM, shown=max_upload)
    fields = text_fields(form)
    if check is not None:
        check(fields)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise UploadRefused("choose a file to upload (an accord YAML file or a .zip)")
    data = await file.read(max_upload + 1)
    await file.close()
    name = base_name(file.filename)
    if len(data) > max_upload:
        raise UploadRefused(
            f"{name} is larger than the limit of {_megabytes(max_upload)}", status=413
        )
    return Upload(name, data, fields)


def base_name(filename: str) -> str:
    """The file's own name, without any folder a browser may send, at most 100 characters."""
    name = PureWindowsPath(PurePosixPath(filename).name).name.strip() or "upload"
    return name[-100:]


# -- reading the file ----------------------------------------------------------------------------
def load_upload(filename: str, data: bytes) -> Loaded:
    """Read an uploaded file as a scenario (see the module); :class:`UploadRefused` otherwise."""
    suffix = Path(filename).suffix.lower()
    if not data:
        raise UploadRefused(f"{filename} is empty")
    if suffix in YAML_SUFFIXES:
        return _isolated(filename, lambda: _yaml_text(filename, data), None)
    if suffix == ".zip":
        with tempfile.TemporaryDirectory(prefix="accord-upload-") as tmp:
            folder = extract_zip(filename, data, Path(tmp))
            return _isolated(filename, lambda: _folder_yaml(folder), tmp)
    raise UploadRefused(
        f"{filename}: upload an accord YAML file (.yaml, .yml) or a .zip of a scenario folder"
    )


def _yaml_text(filename: str, data: bytes) -> Loaded:
    from accord.io.yaml_format import loads_yaml
    from accord.io.yaml_text import decode

    return _as_loaded(loads_yaml(decode(data, filename), source=filename))


def _folder_yaml(folder: Path) -> Loaded:
    from accord.api import load

    return _as_loaded(load(folder))


def _as_loaded(scenario: Any) -> Loaded:
    """The scenario as accord YAML, read back to prove the text stands on its own."""
    from accord.io.yaml_format import dumps_yaml, loads_yaml

    text = dumps_yaml(scenario)
    again = loads_yaml(text, source=f"{scenario.name}.yaml")
    return Loaded(again.name, text)


def _isolated(filename: str, fn: Callable[[], Loaded], tmp: str | None) -> Loaded:
    answer = call_isolated(fn, seconds=LOAD_SECONDS, memory_mb=LOAD_MEMORY_MB)
    if answer.kind == "ok" and isinstance(answer.value, Loaded):
        return answer.value
    if answer.kind == "raised":
        value = answer.value
        if isinstance(value, AccordError):
            reason = str(value)
        elif isinstance(value, BaseException):
            reason = f"{filename}: could not be read ({type(value).__name__}: {value})"
        else:
            reason = f"{filename}: could not be read ({value})"
    else:
        reason = {
            "timeout": f"{filename}: reading it took longer than {LOAD_SECONDS:g} s",
            "memory": f"{filename}: reading it needed more than {LOAD_MEMORY_MB} MB of memory",
            "killed": f"{filename}: reading it did not finish ({answer.value})",
            "died": f"{filename}: reading it failed ({answer.value})",
        }.get(answer.kind, f"{filename}: could not be read")
    raise UploadRefused(_without(reason, tmp, filename))


def _without(message: str, tmp: str | None, filename: str) -> str:
    """``message`` with the temporary folder taken out of its paths."""
    if tmp is None:
        return message
    for root in {tmp, os.path.realpath(tmp)}:
        message = message.replace(root + os.sep, "").replace(root, filename)
    return message


# -- zips ----------------------------------------------------------------------------------------
def extract_zip(filename: str, data: bytes, into: Path) -> Path:
    """Check and extract a zip into ``into``; the scenario folder in it (a lone top folder is
    stepped into). :class:`UploadRefused` when the zip is damaged or unsafe."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UploadRefused(f"{filename} is not a readable zip file ({exc})") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_MEMBERS:
            raise UploadRefused(f"{filename} holds {len(entries)} files (at most {MAX_MEMBERS})")
        members = [m for m in entries if not _ignored(m.filename)]
        _check_members(filename, members)
        written = 0
        for member in members:
            written = _extract(filename, archive, member, into, written)
    return _scenario_folder(into)


def _ignored(name: str) -> bool:
    """Files that zip tools add (macOS resource forks and folder metadata)."""
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db"))


def _check_members(filename: str, members: list[zipfile.ZipInfo]) -> None:
    total = 0
    for m in members:
        _check_name(filename, m)
        if m.flag_bits & 0x1:
            raise UploadRefused(f"{filename}: {m.filename} is encrypted")
        if m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise UploadRefused(
                f"{filename}: {m.filename} would unpack {m.file_size // max(m.compress_size, 1):,}"
                f" times its packed size (at most {MAX_RATIO}): refused as a zip bomb"
            )
        total += m.file_size
        if total > MAX_UNZIPPED:
            raise UploadRefused(
                f"{filename} would unpack to more than {_megabytes(MAX_UNZIPPED)}: refused"
            )


def _check_name(filename: str, m: zipfile.ZipInfo) -> None:
    name = m.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive or "\0" in name:
        raise UploadRefused(f"{filename}: {name!r} has an absolute path")
    if ".." in parts:
        raise UploadRefused(f"{filename}: {name!r} points outside the folder ('..')")
    mode = m.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        raise UploadRefused(f"{filename}: {name!r} is a symbolic link")
    if kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UploadRefused(f"{filename}: {name!r} is not a plain file")


def _extract(
    filename: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, into: Path, written: int
) -> int:
    """Copy one member out, counting bytes against its declared size and the total."""
    target = into.joinpath(*[p for p in member.filename.replace("\\", "/").split("/") if p])
    try:
        if member.is_dir() or target == into:
            target.mkdir(parents=True, exist_ok=True)
            return written
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with archive.open(member) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 16):
                size += len(chunk)
                written += len(chunk)
                if size > member.file_size or written > MAX_UNZIPPED:
                    raise UploadRefused(f"{filename}: {member.filename} unpacks past its size")
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        reason = f"{filename}: {member.filename} could not be unpacked ({exc})"
        raise UploadRefused(_without(reason, str(into), filename)) from None
    return written


def _scenario_folder(root: Path) -> Path:
    """``root``, or the one folder in it when that is all it holds."""
    entries = list(root.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return _scenario_folder(entries[0])
    return root
