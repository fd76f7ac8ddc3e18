"""A stream encrypted in chunks (AES-256-GCM), for archives too big to hold in memory: backups and access-request
archives. Each chunk's nonce counts up and its associated data names the stream's header, its number and whether it
is the last, so a chunk cannot be moved, dropped or cut off without the reader noticing.

    PSTREAM1 <header length> <header json>   then chunks: <4-byte length> <1-byte last flag> <ciphertext>
"""
from __future__ import annotations

import hashlib
import io
import json
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"PSTREAM1"
CHUNK = 1024 * 1024


class SealedStreamError(RuntimeError):
    """The stream is not one of ours, was changed, or was cut short."""


def _aead(secret: bytes) -> AESGCM:
    return AESGCM(hashlib.sha256(b"passage sealed stream\0" + secret).digest())


def read_header(handle) -> tuple[dict, bytes]:
    """The stream's public header (which key sealed it, and anything the writer put there) and its raw bytes."""
    if handle.read(len(MAGIC)) != MAGIC:
        raise SealedStreamError("This is not a Passage archive.")
    (length,) = struct.unpack(">I", handle.read(4))
    raw = handle.read(length)
    try:
        return json.loads(raw), raw
    except ValueError as error:
        raise SealedStreamError("The archive's header is damaged.") from error


class Writer(io.RawIOBase):
    """Writes `header` in clear, then everything written to it sealed with `secret`."""

    def __init__(self, out, *, secret: bytes, header: dict):
        super().__init__()
        self._out, self._aead = out, _aead(secret)
        self._header = json.dumps(header, sort_keys=True).encode()
        self._prefix = secrets.token_bytes(4)
        self._buffer = bytearray()
        self._number = 0
        out.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()

    def _emit(self, plain: bytes, *, last: bool) -> None:
        nonce = self._prefix + struct.pack(">Q", self._number)
        sealed = self._aead.encrypt(nonce, plain, self._header + struct.pack(">Q?", self._number, last))
        self._out.write(struct.pack(">I?", len(sealed), last) + nonce + sealed)
        self._number += 1


class Reader(io.RawIOBase):
    """Reads back what a Writer sealed; raises SealedStreamError on any change or a missing end."""

    def __init__(self, handle, *, secret: bytes, raw_header: bytes):
        super().__init__()
        self._in, self._aead, self._header = handle, _aead(secret), raw_header
        self._buffer = b""
        self._number = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer and not self._ended:
            self._next()
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def _next(self) -> None:
        head = self._in.read(5)
        if len(head) < 5:
            raise SealedStreamError("The archive was cut short.")
        length, last = struct.unpack(">I?", head)
        nonce, sealed = self._in.read(12), self._in.read(length)
        if len(sealed) < length or nonce[4:] != struct.pack(">Q", self._number):
            raise SealedStreamError("The archive was cut short or reordered.")
        try:
            self._buffer = self._aead.decrypt(nonce, sealed, self._header + struct.pack(">Q?", self._number, last))
        except InvalidTag as error:
            raise SealedStreamError("The archive was changed or the key is wrong.") from error
        self._number += 1
        self._ended = last
