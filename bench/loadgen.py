"""A lean HTTP/1.1 load generator: keep-alive connections on asyncio streams, nothing else.

httpx spends about as much CPU on one request as the server spends answering a small file, and
the load generator shares the machine's cores with the server: measured with it, every page
looks capped near the same rate. This client writes one request and reads one response
(``Content-Length`` or chunked, the whole body) per call on a kept connection; it sends the
cookies it is given (and those a caller keeps from a response), follows no redirect. Run under
uvloop when installed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 as this client reads it."""


@dataclass(frozen=True)
class Response:
    status_code: int
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)  # name=value of each Set-Cookie


class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, head: bytes, body: bytes = b"") -> Response:
        if self._streams is not None and self._streams[0].at_eof():
            self.close()  # the server closed it while idle (its keep-alive timeout)
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        try:
            writer.write(head + body)
            head_read = await reader.readuntil(b"\r\n\r\n")
            status, length, chunked, close, cookies = _parse_head(head_read)
            content = await (_read_chunked(reader) if chunked else reader.readexactly(length))
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        return Response(status, content, cookies)

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


def _parse_head(raw: bytes) -> tuple[int, int, bool, bool, dict[str, str]]:
    """Status, Content-Length, whether chunked, whether the server closes the connection, the
    cookies it sets."""
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(lines[0][:80])
    length, chunked, close, cookies = 0, False, False, {}
    for header in lines[1:]:
        name, _, raw_value = header.partition(":")
        name, value = name.strip().lower(), raw_value.strip().lower()
        if name == "set-cookie":
            cookie, _, _ = raw_value.strip().partition(";")
            key, _, cookie_value = cookie.partition("=")
            cookies[key] = cookie_value.strip('"')
        elif name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection":
            close = value == "close"
    return int(parts[1]), length, chunked, close, cookies


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


@dataclass
class Client:
    """Requests to one server as one logged-in browser (``cookies``), over a pool of kept
    connections: each call takes an idle one (or opens one) and gives it back."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    _idle: list[Connection] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._netloc = parts.netloc
        self.keep({})

    def keep(self, cookies: dict[str, str]) -> None:
        """Send ``cookies`` (from a response) with the next requests too."""
        self.cookies.update(cookies)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._common = f"Host: {self._netloc}\r\nUser-Agent: kehoach-bench\r\n" + (
            f"Cookie: {cookie}\r\n" if cookie else ""
        )

    async def get(self, path: str) -> Response:
        return await self._send(f"GET {path} HTTP/1.1\r\n{self._common}\r\n".encode())

    async def post(self, path: str, data: dict[str, str]) -> Response:
        body = urlencode(data).encode()
        head = (
            f"POST {path} HTTP/1.1\r\n{self._common}"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return await self._send(head.encode(), body)

    async def _send(self, head: bytes, body: bytes = b"") -> Response:
        connection = self._idle.pop() if self._idle else Connection(self._host, self._port)
        response = await connection.request(head, body)  # a broken connection is dropped
        self._idle.append(connection)
        return response

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProtocolError)


def run(main: Coroutine[Any, Any, Any]) -> Any:
    """``asyncio.run(main)``, on uvloop's event loop when it is installed."""
    factory: Callable[[], asyncio.AbstractEventLoop] | None
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
