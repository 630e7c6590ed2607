"""Uploading scenarios: good files are stored and load; hostile or broken ones are refused with
one readable line, and the server keeps answering."""

from __future__ import annotations

import html
import io
import stat
import zipfile
from pathlib import Path

import pytest

from accord.api import convert, load
from accord.io.yaml_format import dumps_yaml, loads_yaml
from accord.web import uploads
from accord.web.tokens import seat_token


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _genius_zip(tmp_path: Path, name: str = "job-offer", top: str = "job-offer") -> bytes:
    folder = tmp_path / f"genius-{name}"
    convert(name, folder, to="genius")
    files = {f"{top}/{p.name}" if top else p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    return _zip(files)


def _upload(client, admin, csrf, filename, data, *, token=None, form_csrf=None):
    token = token or admin
    return client.post(
        f"/t/{token}/scenarios/upload",
        files={"file": (filename, data)},
        data={"csrf": csrf(admin) if form_csrf is None else form_csrf},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )


def _stored_ref(response) -> str:
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert "/scenarios/stored:" in location
    return location.rsplit("/", 1)[1]


# -- good uploads -----------------------------------------------------------------------------
def test_accord_yaml_upload_is_stored_listed_and_loads(client, app, admin, csrf):
    original = load("job-offer")
    text = dumps_yaml(original).replace("name: job-offer", "name: my-offer", 1)
    ref = _stored_ref(_upload(client, admin, csrf, "my-offer.yaml", text.encode()))

    stored = app.state.hub.store.scenarios()
    assert [(s.name, s.origin) for s in stored] == [("my-offer", "upload")]
    scenario = app.state.hub.scenario(ref)
    assert scenario.party_names == original.party_names
    assert scenario.space == original.space
    assert [p.reservation for p in scenario.parties] == [p.reservation for p in original.parties]

    library = client.get(f"/t/{admin}/scenarios")
    assert library.status_code == 200
    assert ref in library.text and "my-offer" in library.text
    detail = client.get(f"/t/{admin}/scenarios/{ref}")
    assert detail.status_code == 200
    assert "candidate" in detail.text and "employer" in detail.text
    assert "1,440" in detail.text  # the job offer's outcomes


def test_genius_zip_upload_is_stored_and_loads(client, app, admin, csrf, tmp_path):
    data = _genius_zip(tmp_path)  # one top folder, as zipping a folder gives
    ref = _stored_ref(_upload(client, admin, csrf, "job-offer.zip", data))

    scenario = app.state.hub.scenario(ref)
    assert scenario.party_names == ("candidate", "employer")
    assert scenario.space.size == load("job-offer").space.size
    # what is stored is accord YAML that stands on its own
    again = loads_yaml(app.state.hub.store.scenario(ref.split(":")[1]).yaml)
    assert again.party_names == ("candidate", "employer")
    assert ref in client.get(f"/t/{admin}/scenarios").text


def test_genius_zip_without_a_top_folder(client, app, admin, csrf, tmp_path):
    data = _genius_zip(tmp_path, "river-basin", top="")
    ref = _stored_ref(_upload(client, admin, csrf, "river.zip", data))
    assert app.state.hub.scenario(ref).party_names == ("delta", "midstream", "upstream")


def test_api_upload_and_list(client, app, admin, tmp_path):
    headers = {"Authorization": f"Bearer {admin}"}
    r = client.post(
        "/api/scenarios",
        files={"file": ("jobs.zip", _genius_zip(tmp_path))},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ref"].startswith("stored:") and body["name"]
    listed = {row["ref"]: row for row in client.get("/api/scenarios", headers=headers).json()}
    assert listed[body["ref"]]["origin"] == "upload"
    assert listed[body["ref"]]["parties"] == ["candidate", "employer"]
    assert listed["job-offer"]["origin"] == "packaged"

    bad = client.post("/api/scenarios", files={"file": ("x.zip", b"not a zip")}, headers=headers)
    assert bad.status_code == 400
    assert "not a readable zip" in bad.json()["detail"]
    nobody = client.post("/api/scenarios", files={"file": ("x.yaml", b"accord: 1")})
    assert nobody.status_code == 404


# -- refusals ---------------------------------------------------------------------------------
def _alias_bomb() -> bytes:
    lines = ["accord: 1", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def _zip_bomb() -> bytes:
    """One member of 60 MB of zeros (about 60 kB packed), made in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, z.open("zeros.xml", "w") as member:
        block = bytes(1 << 20)
        for _ in range(60):
            member.write(block)
    return buf.getvalue()


def _broken_xml_zip(tmp_path: Path) -> bytes:
    folder = tmp_path / "broken"
    convert("job-offer", folder, to="genius")
    (folder / "employer.xml").write_text("<utility_space><objective index='0'", encoding="utf-8")
    return _zip({f"broken/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())})


def _corrupted_zip() -> bytes:
    data = bytearray(_zip({"a.xml": b"<a>" + b"hello world " * 1000 + b"</a>"}))
    data[45:65] = b"\xff" * 20  # inside the member's compressed data; the directory is intact
    return bytes(data)


CASES = {
    "malformed YAML": ("bad.yaml", b"accord: 1\nname: x\nissues: [\n  - {name: a\n", "bad.yaml"),
    "YAML alias bomb": ("bomb.yaml", _alias_bomb(), "alias"),
    "not accord YAML": ("other.yaml", b"name: x\n", "accord"),
    "not YAML text": ("binary.yaml", b"\xff\xfe\x00\xd8\x00\x00garbage", "binary.yaml"),
    "a non-zip named .zip": ("scenario.zip", b"PK\x03\x04 this is no zip", "not a readable zip"),
    "a zip bomb": ("bomb.zip", _zip_bomb, "zip bomb"),  # made when the test runs
    "path traversal": ("evil.zip", _zip({"../x.yaml": b"accord: 1\n"}), "'..'"),
    "an absolute path": ("abs.zip", _zip({"/etc/x.yaml": b"accord: 1\n"}), "absolute"),
    "too many members": ("many.zip", _zip({f"f{i}.txt": b"x" for i in range(201)}), "201 files"),
    "a corrupted member": ("bad.zip", _corrupted_zip(), "bad.zip: a.xml could not be unpacked"),
    "a file in the way": ("clash.zip", _zip({"a": b"x", "a/b.xml": b"y"}), "could not be unpacked"),
    "an empty zip": ("empty.zip", _zip({}), "no scenario format"),
    "a wrong kind of file": ("scenario.exe", b"MZ", "upload an accord YAML file"),
    "an empty file": ("empty.yaml", b"", "empty"),
}


def _assert_refused(client, admin, response, status: int, words: str) -> None:
    assert response.status_code == status, response.text[:500]
    text = html.unescape(response.text)
    assert 'class="notice refused"' in text
    assert words in text
    assert "Traceback" not in text and "accord-upload-" not in text
    assert client.get(f"/t/{admin}/scenarios").status_code == 200


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_uploads_are_refused_readably(client, app, admin, csrf, case):
    filename, data, words = CASES[case]
    response = _upload(client, admin, csrf, filename, data() if callable(data) else data)
    _assert_refused(client, admin, response, 400, words)
    assert app.state.hub.store.scenarios() == []


def test_malformed_xml_names_the_users_file(client, app, admin, csrf, tmp_path):
    response = _upload(client, admin, csrf, "broken.zip", _broken_xml_zip(tmp_path))
    _assert_refused(client, admin, response, 400, "broken/employer.xml")
    assert "/tmp" not in response.text
    assert app.state.hub.store.scenarios() == []


def test_truncated_zip(client, app, admin, csrf, tmp_path):
    data = _genius_zip(tmp_path)
    for cut in (len(data) // 2, len(data) - 10):
        response = _upload(client, admin, csrf, "cut.zip", data[:cut])
        _assert_refused(client, admin, response, 400, "cut.zip")
    assert app.state.hub.store.scenarios() == []


@pytest.mark.parametrize("extra", [10, 200_000])  # just past the limit; past the form's room
def test_oversized_upload_is_refused_with_413(client, app, admin, csrf, extra):
    big = b"accord: 1\n" + b"#" * (app.state.max_upload + extra)
    response = _upload(client, admin, csrf, "big.yaml", big)
    _assert_refused(client, admin, response, 413, "larger than the limit of 5 MB")
    api = client.post(
        "/api/scenarios",
        files={"file": ("big.yaml", big)},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert api.status_code == 413 and "5 MB" in api.json()["detail"]


def test_upload_needs_the_form_token(client, app, admin, csrf):
    text = dumps_yaml(load("job-offer")).encode()
    assert _upload(client, admin, csrf, "j.yaml", text, form_csrf="").status_code == 403
    assert _upload(client, admin, csrf, "j.yaml", text, form_csrf="forged").status_code == 403
    other = seat_token(app.state.secret, "abc123", 0)
    assert _upload(client, admin, csrf, "j.yaml", text, form_csrf=csrf(other)).status_code == 403
    assert app.state.hub.store.scenarios() == []


# -- the zip checks on their own ----------------------------------------------------------------
def _zip_with(info: zipfile.ZipInfo, data: bytes = b"x") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(info, data)
    return buf.getvalue()


def test_symbolic_links_are_refused(tmp_path):
    info = zipfile.ZipInfo("scenario/link.xml")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(uploads.UploadRefused, match="symbolic link"):
        uploads.extract_zip("s.zip", _zip_with(info, b"/etc/passwd"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_devices_and_windows_paths_are_refused(tmp_path):
    info = zipfile.ZipInfo("fifo")
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    with pytest.raises(uploads.UploadRefused, match="not a plain file"):
        uploads.extract_zip("s.zip", _zip_with(info), tmp_path)
    for name in ("C:/x.xml", "a\\..\\..\\x.xml"):
        with pytest.raises(uploads.UploadRefused):
            uploads.extract_zip("s.zip", _zip({name: b"x"}), tmp_path)


def test_declared_total_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED", 1000)
    data = _zip({"a.txt": b"a" * 600, "b.txt": b"b" * 600}, zipfile.ZIP_STORED)
    with pytest.raises(uploads.UploadRefused, match="unpack to more than"):
        uploads.extract_zip("s.zip", data, tmp_path)


def test_a_lone_top_folder_is_stepped_into(tmp_path):
    folder = uploads.extract_zip("s.zip", _zip({"top/inner/a.xml": b"<a/>"}), tmp_path)
    assert folder == tmp_path / "top" / "inner"
    assert (folder / "a.xml").read_bytes() == b"<a/>"


def test_base_name_drops_folders():
    assert uploads.base_name("C:\\Users\\me\\job.yaml") == "job.yaml"
    assert uploads.base_name("../../etc/passwd") == "passwd"
    assert uploads.base_name("") == "upload"


# -- the sandbox ----------------------------------------------------------------------------------
def test_a_load_that_hangs_is_stopped(client, app, admin, csrf, tmp_path, monkeypatch):
    import time

    def hang(folder):
        time.sleep(30)

    monkeypatch.setattr(uploads, "LOAD_SECONDS", 0.5)
    monkeypatch.setattr(uploads, "_folder_yaml", hang)
    started = time.monotonic()
    response = _upload(client, admin, csrf, "slow.zip", _genius_zip(tmp_path))
    assert time.monotonic() - started < 10
    _assert_refused(client, admin, response, 400, "slow.zip: reading it took longer than 0.5 s")


def test_a_load_that_eats_memory_is_stopped(client, app, admin, csrf, tmp_path, monkeypatch):
    def hog(folder):
        return bytearray(400 * 1024 * 1024)

    monkeypatch.setattr(uploads, "LOAD_MEMORY_MB", 100)
    monkeypatch.setattr(uploads, "_folder_yaml", hog)
    response = _upload(client, admin, csrf, "hog.zip", _genius_zip(tmp_path))
    _assert_refused(client, admin, response, 400, "needed more than 100 MB of memory")
    assert app.state.hub.store.scenarios() == []
