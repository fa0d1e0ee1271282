"""Raw and warehouse locations that may be object-store URIs (``s3://bucket/prefix``).

Through pyarrow's filesystem layer (``pyarrow.fs.FileSystem.from_uri``), so any store pyarrow
reaches works; for S3 the usual AWS variables apply: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, and ``AWS_ENDPOINT_URL`` (or
``AWS_ENDPOINT_URL_S3``) for an S3-compatible store other than AWS (MinIO, Ceph, moto).

- A raw root URI is copied, one chosen source folder at a time, to a local temporary folder
  that the sources' own readers read; it is deleted after the build.
- A warehouse URI is a prefix holding whole builds: the build is written locally as always,
  then uploaded to ``<prefix>/<build>/`` and only then is ``<prefix>/CURRENT`` (one small object
  naming the build) replaced. A failed or killed upload leaves ``CURRENT`` naming the previous
  complete build; builds older than the previous one are deleted. ``current_warehouse(uri)``
  gives the URI of the build ``CURRENT`` names.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow.fs as pafs

POINTER = "CURRENT"
Location = Path | str


def is_uri(location: Location) -> bool:
    """True for a URI (``s3://...``), false for a local path."""
    return isinstance(location, str) and "://" in location


def location(text: str) -> Location:
    """A command-line location: a URI stays text, anything else is a local path."""
    return text.rstrip("/") if "://" in text else Path(text)


def remote(uri: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem and path inside it of a URI."""
    return pafs.FileSystem.from_uri(uri.rstrip("/"))


def _subfolders(fs: pafs.FileSystem, path: str) -> list[str]:
    infos = fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))
    return sorted(i.base_name for i in infos if i.type == pafs.FileType.Directory)


@contextlib.contextmanager
def local_raw(raw: Location, only: Iterable[str] | None = None) -> Iterator[Path]:
    """The raw root as a local folder: itself, or a temporary copy of a URI's source folders."""
    if not is_uri(raw):
        yield Path(raw)
        return
    fs, base = remote(str(raw))
    chosen = set(only) if only else None
    tmp = Path(tempfile.mkdtemp(prefix="hiring-radar-raw-"))
    try:
        for name in _subfolders(fs, base):
            if chosen is None or name in chosen:
                (tmp / name).mkdir()
                pafs.copy_files(f"{base}/{name}", str(tmp / name), source_filesystem=fs,
                                destination_filesystem=pafs.LocalFileSystem())
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(folder: Path, uri: str) -> str:
    """Upload a finished build folder under the prefix, then point CURRENT at it; its URI."""
    fs, base = remote(uri)
    name = folder.name.lstrip(".")
    previous = _pointer(fs, base)
    pafs.copy_files(str(folder), f"{base}/{name}", source_filesystem=pafs.LocalFileSystem(),
                    destination_filesystem=fs)
    with fs.open_output_stream(f"{base}/{POINTER}") as out:
        out.write(name.encode())
    for old in _subfolders(fs, base):
        if old not in (name, previous):
            fs.delete_dir(f"{base}/{old}")
    return f"{uri.rstrip('/')}/{name}"


def _pointer(fs: pafs.FileSystem, base: str) -> str | None:
    if fs.get_file_info(f"{base}/{POINTER}").type != pafs.FileType.File:
        return None
    with fs.open_input_stream(f"{base}/{POINTER}") as f:
        return f.read().decode().strip()


def current_warehouse(uri: str) -> str:
    """The URI of the build a warehouse prefix's CURRENT names (FileNotFoundError: none yet)."""
    fs, base = remote(uri)
    name = _pointer(fs, base)
    if not name:
        raise FileNotFoundError(f"{uri}: no {POINTER} object, so no finished build")
    return f"{uri.rstrip('/')}/{name}"


def download_warehouse(uri: str, dest: Path) -> Path:
    """Copy the current build of a warehouse prefix to a local folder (for reading it)."""
    fs, path = remote(current_warehouse(uri))
    dest.mkdir(parents=True, exist_ok=True)
    pafs.copy_files(path, str(dest), source_filesystem=fs,
                    destination_filesystem=pafs.LocalFileSystem())
    return dest


def build_at(raw: Path, warehouse: Location, **kwargs) -> dict:
    """build() into a local warehouse path, or locally then published to a warehouse URI."""
    from etl.warehouse.build import build

    if not is_uri(warehouse):
        return build(raw, Path(warehouse), **kwargs)
    with tempfile.TemporaryDirectory(prefix="hiring-radar-warehouse-") as tmp:
        local = Path(tmp) / "warehouse"
        manifest = build(raw, local, **kwargs)
        publish(local.resolve(), str(warehouse))
    return manifest
