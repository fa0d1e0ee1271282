"""A local S3-compatible server (moto's server mode) on 127.0.0.1 for the s3:// path tests."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow.fs as pafs

BUCKET = "radar"


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """Start moto's S3 server on a free loopback port with one bucket; yields its endpoint URL.

    The AWS variables point pyarrow (and boto3) at it while the block runs.
    """
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()


def upload(folder: Path, uri: str) -> None:
    """Copy a local folder to an s3:// URI."""
    fs, path = pafs.FileSystem.from_uri(uri)
    pafs.copy_files(str(folder), path, source_filesystem=pafs.LocalFileSystem(),
                    destination_filesystem=fs)


def keys_under(uri: str) -> list[str]:
    """Every object key under an s3:// URI, relative to it."""
    fs, path = pafs.FileSystem.from_uri(uri)
    infos = fs.get_file_info(pafs.FileSelector(path, recursive=True))
    return sorted(i.path[len(path) + 1:] for i in infos if i.type == pafs.FileType.File)
