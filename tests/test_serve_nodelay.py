"""radar.serve.serve_without_nagle: the connections Streamlit's server accepts send at once.

Streamlit 1.67 makes its listening socket with protocol 0, so asyncio leaves Nagle's algorithm on
for the connections accepted from it (it turns it off only for IPPROTO_TCP sockets); the app's
server sets TCP_NODELAY on the listening socket, which Linux passes to each accepted connection.
Real sockets on 127.0.0.1, made by Streamlit's own functions."""

from __future__ import annotations

import socket

import pytest
from streamlit.web.server.starlette import starlette_server

from radar import serve


def _accepted(listening: socket.socket) -> socket.socket:
    """A connection accepted from ``listening`` (a client connected to it first)."""
    client = socket.create_connection(listening.getsockname()[:2], timeout=10)
    listening.setblocking(True)
    listening.settimeout(10)
    try:
        accepted, _ = listening.accept()
    finally:
        client.close()
    return accepted


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.fixture
def bind_restored(monkeypatch):
    """Streamlit's socket maker put back after the test."""
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)


def test_streamlits_own_socket_leaves_nagle_on_for_accepted_connections():
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:
        accepted = _accepted(listening)
        # protocol 0: asyncio's transport will not turn Nagle's algorithm off (the reason for
        # serve_without_nagle; a Streamlit release that mends it makes this test fail)
        assert (accepted.proto, _nodelay(accepted)) == (0, 0)
        accepted.close()
    finally:
        listening.close()


def test_the_servers_bind_path_gives_connections_without_nagle(bind_restored):
    assert serve.serve_without_nagle() is True
    patched = starlette_server._bind_socket
    assert serve.serve_without_nagle() is True
    assert starlette_server._bind_socket is patched  # wrapped once, not again
    # the function Streamlit's server calls to bind, which looks _bind_socket up at call time
    listening, address = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 8)
    try:
        assert address == "127.0.0.1" and _nodelay(listening) != 0
        accepted = _accepted(listening)
        assert _nodelay(accepted) != 0
        accepted.close()
    finally:
        listening.close()


def test_with_nodelay_leaves_other_socket_families_alone(tmp_path):
    def unix_socket(path):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        return sock

    sock = serve.with_nodelay(unix_socket)(tmp_path / "s")
    try:
        assert sock.family == socket.AF_UNIX
    finally:
        sock.close()


def test_a_streamlit_without_the_socket_maker_is_left_alone(monkeypatch):
    monkeypatch.delattr(starlette_server, "_bind_socket")
    assert serve.serve_without_nagle() is False
    assert not hasattr(starlette_server, "_bind_socket")
