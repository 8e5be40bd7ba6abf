"""Gzip a page that is the same for every visitor but for one part, without compressing
the whole page again for every request.

A deflate stream is a sequence of blocks, and after a flush the compressor's output
ends on a byte boundary: the blocks of a fresh compressor may follow it. So the public
part before and after the hole are compressed once (:class:`Compressed`, kept beside the
page), and per request only the part that differs is compressed and put between them;
the gzip trailer (CRC-32 and length of the whole text) is computed for the whole.
RFC 1951 (deflate) and RFC 1952 (gzip): the result is one ordinary gzip member.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

#: gzip header: deflate, no flags, no time stamp, no extra flags, OS unknown.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
LEVEL = 6


def _deflate(data: bytes, *, final: bool) -> bytes:
    """Raw deflate blocks of ``data``; byte-aligned and open-ended unless ``final``."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH
    )


@dataclass(frozen=True)
class Compressed:
    """A text split at one place, each side compressed once."""

    head: bytes  # the gzip header and the blocks of the text before the hole
    tail: bytes  # the blocks of the text after it, the last one final
    head_crc: int
    head_size: int
    after: bytes  # the text after the hole as is (its CRC continues the hole's)

    @classmethod
    def around(cls, before: bytes, after: bytes) -> Compressed:
        return cls(
            head=HEADER + _deflate(before, final=False),
            tail=_deflate(after, final=True),
            head_crc=zlib.crc32(before),
            head_size=len(before),
            after=after,
        )

    def with_part(self, part: bytes, deflated: bytes | None = None) -> bytes:
        """The gzip of ``before + part + after`` (``deflated``: :func:`deflate_part` of
        ``part``, when it was kept)."""
        crc = zlib.crc32(self.after, zlib.crc32(part, self.head_crc))
        size = (self.head_size + len(part) + len(self.after)) & 0xFFFFFFFF
        middle = deflate_part(part) if deflated is None else deflated
        return b"".join((self.head, middle, self.tail, struct.pack("<II", crc, size)))


def deflate_part(part: bytes) -> bytes:
    """The blocks of a part that goes into the hole of a :class:`Compressed`."""
    return _deflate(part, final=False)
