"""pipeline.ingest: kind from content, sha256 identity, limits, errors that name file and reason."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from pipeline.ingest import detect_kind, identify
from schemas import ErrorCode, KehoachError, Limits, SourceKind

LIMITS = Limits()


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("TIFF", "image/tiff"),
        ("BMP", "image/bmp"),
        ("WEBP", "image/webp"),
    ],
)
def test_images_are_known_by_content_whatever_their_name(
    tmp_path: Path, fmt: str, media: str
) -> None:
    path = tmp_path / "scan.pdf"  # the name lies
    path.write_bytes(_image_bytes(fmt))
    source = identify(path, LIMITS)
    assert source.kind is SourceKind.IMAGE
    assert source.media_type == media


def test_pdf_named_txt_is_a_pdf_and_sha256_is_of_the_bytes(tmp_path: Path) -> None:
    data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    source = identify(path, LIMITS)
    assert source.kind is SourceKind.PDF
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size_bytes == len(data)


def test_vietnamese_text_is_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.dat"
    path.write_text("KẾ HOẠCH\nBMW và các xe khác\n", "utf-8")
    assert identify(path, LIMITS).kind is SourceKind.TEXT


def test_text_starting_with_bm_is_not_a_bitmap() -> None:
    assert detect_kind(b"BM la viet tat cua Ban Mai") == (SourceKind.TEXT, "text/plain")


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40), "ZIP"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(40), "executable"),
        (b"\x7fELF\x02\x01\x01" + bytes(40), "executable"),
        (bytes(range(256)) * 4, "unknown"),
    ],
)
def test_archives_and_executables_renamed_pdf_are_unsupported(
    tmp_path: Path, data: bytes, named: str
) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    with pytest.raises(KehoachError) as caught:
        identify(path, LIMITS)
    assert caught.value.code is ErrorCode.UNSUPPORTED
    assert named in caught.value.reason
    assert caught.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KehoachError) as caught:
        identify(tmp_path / "nowhere.pdf", LIMITS)
    assert caught.value.code is ErrorCode.NOT_FOUND
    assert "nowhere.pdf" in str(caught.value)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(KehoachError) as caught:
        identify(path, LIMITS)
    assert caught.value.code is ErrorCode.EMPTY


def test_file_over_the_byte_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Kế hoạch " * 20, "utf-8")
    with pytest.raises(KehoachError) as caught:
        identify(path, Limits(max_bytes=100))
    assert caught.value.code is ErrorCode.TOO_LARGE
    assert "100" in caught.value.reason


def test_folder_is_unsupported(tmp_path: Path) -> None:
    with pytest.raises(KehoachError) as caught:
        identify(tmp_path, LIMITS)
    assert caught.value.code is ErrorCode.UNSUPPORTED
