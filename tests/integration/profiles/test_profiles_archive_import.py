"""Importing hostile or damaged backup archives (issue 13, item 14): every one is refused with an
ArchiveError that says the archive is not a valid backup, the backup list is unchanged and no partial
file is left behind. The archives are real zip files, made from a real export and then altered.
"""

from __future__ import annotations

import json
import random
import struct
import zipfile
from pathlib import Path

import pytest
from helpers_profiles import make_container, temp_files

from upbit_auto_trading.infrastructure.files.errors import ArchiveError, FileOperationError
from upbit_auto_trading.infrastructure.profiles import backup_archive


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """One real archive exported by the app (built once: every test alters a copy of it)."""
    folder = tmp_path_factory.mktemp("export")
    container = make_container(folder / "home")
    backup = container.profiles.create_backup().execute()
    archive = container.profiles.export_backup().execute(backup.id, folder)
    container.core.database_session().close_all()
    return archive


@pytest.fixture
def target(tmp_path):
    """Another machine: a fresh home that the archives are imported into."""
    container = make_container(tmp_path / "other")
    yield container
    container.core.database_session().close_all()


def _entries(source: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(source) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def _write(path: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def _patch_headers(path: Path, name_suffix: str, *, flags: int = 0, method: int | None = None) -> Path:
    """Set general-purpose flag bits or the compression method of the entries ending in ``name_suffix``
    in both their local and central headers (zipfile itself never writes such archives)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        central = archive.start_dir
    for info in infos:
        size = 46 + sum(struct.unpack("<HHH", data[central + 28 : central + 34]))
        if info.filename.endswith(name_suffix):
            for offset, flag_at in ((info.header_offset, 6), (central, 8)):
                current = struct.unpack("<H", data[offset + flag_at : offset + flag_at + 2])[0]
                data[offset + flag_at : offset + flag_at + 2] = struct.pack("<H", current | flags)
                if method is not None:
                    data[offset + flag_at + 2 : offset + flag_at + 4] = struct.pack("<H", method)
        central += size
    path.write_bytes(bytes(data))
    return path


def _refused(container, archive: Path, match: str) -> ArchiveError:
    before = {b.id for b in container.profiles.list_backups().execute()}
    with pytest.raises(ArchiveError, match=match) as caught:
        container.profiles.import_backup().execute(archive)
    assert "not a valid backup archive" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert {b.id for b in container.profiles.list_backups().execute()} == before
    assert temp_files(container.core.app_paths().home) == []
    assert not any(p.name.startswith(".") for p in container.core.app_paths().backups_dir.iterdir())
    return caught.value


def test_deeply_nested_manifest_is_refused(exported, target, tmp_path):
    nested = b"[" * 200_000 + b"]" * 200_000  # json.loads gives up with RecursionError
    entries = [(n, nested if n.endswith("manifest.json") else d) for n, d in _entries(exported)]
    _refused(target, _write(tmp_path / "nested.zip", entries), "nested too deeply")


@pytest.mark.parametrize("entry", ["manifest.json", "settings.sqlite3"])
def test_encrypted_entries_are_refused(exported, target, tmp_path, entry):
    archive = _write(tmp_path / "encrypted.zip", _entries(exported))
    _patch_headers(archive, entry, flags=0x1)
    _refused(target, archive, f"{entry} is encrypted")


def test_unsupported_compression_method_is_refused(exported, target, tmp_path):
    archive = _write(tmp_path / "deflate64.zip", _entries(exported), method=zipfile.ZIP_STORED)
    _patch_headers(archive, "market_data.sqlite3", method=9)  # Deflate64: zipfile cannot read it
    _refused(target, archive, "compression method 9")


def test_duplicate_entry_names_are_refused(exported, target, tmp_path):
    entries = _entries(exported)
    manifest_name, manifest = next((n, d) for n, d in entries if n.endswith("manifest.json"))
    other = json.loads(manifest)
    other["id"] = other["id"][:-4] + "beef"  # a second manifest naming another backup
    archive = tmp_path / "twice.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile allows it, with a warning
        _write(archive, [*entries, (manifest_name, json.dumps(other).encode())])
    _refused(target, archive, "appears twice")
    assert not (target.core.app_paths().backups_dir / other["id"]).exists()


def test_entry_larger_than_its_manifest_is_refused_before_it_is_written(exported, target, tmp_path):
    archive = tmp_path / "grown.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for name, data in _entries(exported):
            with dst.open(name, "w", force_zip64=True) as out:
                out.write(data)
                if name.endswith("market_data.sqlite3"):
                    for _ in range(64):  # 64 MiB more than the manifest says, a few hundred KB zipped
                        out.write(bytes(1 << 20))
    error = _refused(target, archive, "market_data file is")
    assert "the manifest says" in str(error)


def test_extraction_stops_at_the_manifest_size(exported, tmp_path):
    """The copy itself never writes past the manifest's size, whatever the zip header claims."""
    name, data = next((n, d) for n, d in _entries(exported) if n.endswith("market_data.sqlite3"))
    written = tmp_path / "market_data.sqlite3"
    with (
        zipfile.ZipFile(exported) as archive,
        pytest.raises(ArchiveError, match="larger than the 8192 bytes"),
    ):
        backup_archive._extract(archive, name, written, 8192, exported)  # noqa: SLF001
    assert len(data) > 8192 and written.stat().st_size <= 8192


def test_manifest_nested_too_deeply_in_a_backup_folder(tmp_path):
    container = make_container(tmp_path / "home")
    backup = container.profiles.create_backup().execute()
    (backup.path / "manifest.json").write_text("[" * 200_000 + "]" * 200_000)
    assert backup.id not in {b.id for b in container.profiles.list_backups().execute()}
    result = container.profiles.verify_backup().execute(backup.id)
    assert not result.ok and "nested too deeply" in result.problems[0]
    container.core.database_session().close_all()


def test_randomly_damaged_archives_never_escape_as_another_error(exported, tmp_path):
    """Bytes flipped anywhere (headers, central directory, data) or the file cut short: an
    ArchiveError or, for harmless flips (a timestamp), an import; never anything else, never leftovers."""
    good = exported.read_bytes()
    root = tmp_path / "backups"
    root.mkdir()
    rng = random.Random(7)
    source = tmp_path / "damaged.zip"
    imported = refused = 0
    for _ in range(300):
        data = bytearray(good)
        if rng.random() < 0.8:
            near_end = rng.random() < 0.4  # the central directory and the end record
            for _ in range(rng.randint(1, 8)):
                at = len(data) - rng.randint(1, 600) if near_end else rng.randrange(len(data))
                data[at] = rng.randrange(256)
        else:
            data = data[: rng.randrange(len(data))]
        source.write_bytes(bytes(data))
        try:
            backup_archive.import_archive(source, root, lambda record: False)
            imported += 1
        except FileOperationError:
            refused += 1
        leftovers = list(root.iterdir())
        assert all(not p.name.startswith(".") for p in leftovers), leftovers
        for folder in leftovers:  # a harmless flip was imported: start the next round empty
            for file in folder.iterdir():
                file.unlink()
            folder.rmdir()
    assert refused > 250
