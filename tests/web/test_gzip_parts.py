"""The gzip of a page compressed around a hole equals the page with the part put in,
read back by two independent decoders (Python's gzip module and zlib's own stream)."""

from __future__ import annotations

import gzip
import random
import zlib

import pytest

from buurtzicht.web.gzip_parts import Compressed


def _page(seed: int, size: int) -> bytes:
    rng = random.Random(seed)
    words = ["<td>", "</td>", "gemeente", "Amsterdam", "1.234,5", "wijk ", "\n", "ë", "€"]
    return "".join(rng.choice(words) for _ in range(size)).encode()


@pytest.mark.parametrize(
    ("before", "part", "after"),
    [
        (_page(1, 40_000), _page(2, 500), _page(3, 8_000)),
        (b"<html>", b"", b"</html>"),
        (b"", "eigen gegevens ë €".encode(), b""),
        (b'{"page":{}', b',"eigen_gegevens":{"datasets":[]}', b"}"),
        (random.Random(4).randbytes(70_000), random.Random(5).randbytes(3_000), b"x"),
    ],
)
def test_the_parts_make_one_gzip_of_the_whole(before: bytes, part: bytes, after: bytes) -> None:
    compressed = Compressed.around(before, after)
    whole = compressed.with_part(part)
    assert gzip.decompress(whole) == before + part + after
    stream = zlib.decompressobj(wbits=31)
    assert stream.decompress(whole) == before + part + after
    assert stream.eof and stream.unused_data == b""


def test_the_public_parts_are_compressed_once() -> None:
    page = _page(6, 60_000)
    compressed = Compressed.around(page, page[:1000])
    one, other = compressed.with_part(b"A"), compressed.with_part(b"BB")
    assert one.startswith(compressed.head) and other.startswith(compressed.head)
    assert len(compressed.head) < len(page) // 3  # really compressed
    assert gzip.decompress(other) == page + b"BB" + page[:1000]


def test_a_corrupted_trailer_is_caught_by_a_decoder() -> None:
    """The trailer is checked: the test above could not pass with a wrong CRC."""
    whole = bytearray(Compressed.around(b"abc" * 100, b"def").with_part(b"ghi"))
    whole[-8] ^= 0xFF
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(bytes(whole))
