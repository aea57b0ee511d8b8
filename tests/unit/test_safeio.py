"""safeio: regular files only, capped, never through a link out of the root; atomic writes that
replace a link instead of writing through it. text.printable: controls shown, never obeyed."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from goport import safeio
from goport.safeio import UnsafeFileError, read_bytes, read_text, write_atomic
from goport.text import printable


def test_reads_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    assert read_bytes(tmp_path / "a.py", limit=100) == b"x = 1\n"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: os.mkfifo(p), "FIFO"),
        (lambda p: p.symlink_to("/dev/zero"), "character device"),
        (lambda p: p.mkdir(), "folder"),
    ],
)
def test_refuses_what_is_not_a_regular_file(tmp_path: Path, make: object, words: str) -> None:
    target = tmp_path / "x"
    make(target)  # type: ignore[operator]
    with pytest.raises(UnsafeFileError, match=words) as info:
        read_bytes(target, limit=100)
    assert str(target) in str(info.value)


def test_cap_is_an_error_not_a_truncation(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"a" * 101)
    with pytest.raises(UnsafeFileError, match="larger than 100 bytes"):
        read_bytes(tmp_path / "big", limit=100)
    assert read_bytes(tmp_path / "big", limit=101) == b"a" * 101


def test_within_refuses_a_link_out_of_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret").write_text("s")
    (root / "inside").write_text("i")
    (root / "out").symlink_to(tmp_path / "secret")
    (root / "in").symlink_to(root / "inside")
    real = Path(os.path.realpath(root))
    with pytest.raises(UnsafeFileError, match="out of the scanned folder"):
        read_bytes(root / "out", limit=10, within=real)
    assert read_bytes(root / "in", limit=10, within=real) == b"i"


def test_read_text_names_bad_utf8(tmp_path: Path) -> None:
    (tmp_path / "t").write_bytes(b"ok\xff")
    with pytest.raises(UnsafeFileError, match="not valid UTF-8"):
        read_text(tmp_path / "t", limit=10)
    (tmp_path / "bom").write_bytes(b"\xef\xbb\xbfhi")
    assert read_text(tmp_path / "bom", limit=10) == "hi"


def test_write_replaces_a_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    link = tmp_path / "report.sarif"
    link.symlink_to(victim)
    write_atomic(link, b"report")
    assert victim.read_text() == "keep"
    assert not link.is_symlink() and link.read_bytes() == b"report"


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safeio.os, "write", full)
    with pytest.raises(UnsafeFileError, match="No space left") as info:
        write_atomic(target, b"new")
    assert "out.json" in str(info.value)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_inside_the_root_through_a_linked_folder_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "reports").symlink_to(outside)
    with pytest.raises(UnsafeFileError, match="link out of the scanned folder"):
        write_atomic(root / "reports" / "x.json", b"{}", root=Path(os.path.realpath(root)))
    assert list(outside.iterdir()) == []
    write_atomic(root / "x.json", b"{}", root=Path(os.path.realpath(root)))
    assert (root / "x.json").read_bytes() == b"{}"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain/path.py", "plain/path.py"),
        ("a\x1b]0;T\x07.py", "a\\x1b]0;T\\x07.py"),
        ("x\x1b[2Jy", "x\\x1b[2Jy"),
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("\x9b31m", "\\x9b31m"),
        ("admin\u202egnp.py", "admin\\u202egnp.py"),
        ("\udcff.py", "\\xff.py"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("café/数据.py", "café/数据.py"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(shown) == shown
    shown.encode("utf-8")  # always encodable, whatever the name held
