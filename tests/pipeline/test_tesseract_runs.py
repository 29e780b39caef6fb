"""pipeline.ocr's Tesseract runs started ahead of their image, and pipeline.spare_core's count of
the cores our own work may take."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from pipeline import spare_core
from pipeline.ingest import identify
from pipeline.ocr import page_options, run_tesseract, start_tesseract
from pipeline.page_pipeline import read_overlapped
from pipeline.spare_core import (
    core_taken,
    on_spare_core,
    side_by_side,
    spare_map,
    spare_threads,
)
from pipeline.text import open_pages
from schemas import PipelineSettings
from tests.support import write_scan


def _line_image(path: Path) -> Path:
    """A PGM of two printed lines."""
    image = Image.new("L", (900, 160), 255)
    draw = ImageDraw.Draw(image)
    draw.text((20, 30), "KE HOACH to chuc hoi nghi trien khai 2025", fill=0, font_size=36)
    draw.text((20, 90), "So: 589/KH-BCA-C04 ngay 02 thang 10", fill=0, font_size=36)
    image.save(path, format="PPM")
    return path


def _tesseract_children() -> list[int]:
    """Process ids of this process's child processes running Tesseract (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        name, after = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        if name == "tesseract" and int(after.split()[1]) == os.getpid():
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_a_tesseract_started_ahead_reads_what_one_given_the_file_reads(tmp_path: Path) -> None:
    image = _line_image(tmp_path / "lines.pgm")
    options = page_options(300)
    command = ["tesseract", str(image), "stdout", "-l", "vie", *options]
    named = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    ahead = run_tesseract(image, "vie", options, started=start_tesseract("vie", options))
    assert ahead == named
    assert run_tesseract(image, "vie", options) == named
    assert "589" in named


@pytest.mark.slow
def test_a_tesseract_started_with_other_options_is_refused_and_ended(tmp_path: Path) -> None:
    image = _line_image(tmp_path / "lines.pgm")
    started = start_tesseract("vie", page_options(300, psm=6))
    with pytest.raises(ValueError, match="cannot run"):
        run_tesseract(image, "vie", page_options(300), started=started)
    assert started.returncode is not None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_file_given_up_after_its_first_page_leaves_no_tesseract_waiting(tmp_path: Path) -> None:
    settings = PipelineSettings()
    source = identify(write_scan(tmp_path / "scan.pdf", pages=5), settings.limits)
    with open_pages(source, settings) as reader:
        pages = read_overlapped(reader)
        # page 1 comes out once page 3 is read: pages 4 and 5 are loaded, their Tesseract waits
        first = next(pages)
        pages.close()
    assert first.page_no == 1 and first.lines
    assert _tesseract_children() == []


def test_one_core_never_splits_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_core, "CORES", 1)
    assert on_spare_core(spare_threads) == 1
    assert on_spare_core(lambda: spare_map(lambda _: spare_threads(), range(4))) == [1] * 4


def test_two_cores_split_work_only_while_no_tesseract_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_core, "CORES", 2)
    assert spare_threads() == 1  # outside on_spare_core: never
    assert on_spare_core(spare_threads) == 2
    with core_taken():
        assert on_spare_core(spare_threads) == 1
    threads = on_spare_core(lambda: spare_map(lambda _: spare_threads(), range(4)))
    assert threads == [1] * 4  # the threads do not split their own work again


def test_more_cores_leave_our_running_tesseracts_theirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_core, "CORES", 4)
    with core_taken():
        assert on_spare_core(spare_threads) == 3
        with core_taken():
            assert on_spare_core(spare_threads) == 2


def test_two_runs_side_by_side_on_two_cores_one_after_the_other_on_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def name() -> str:
        return threading.current_thread().name

    monkeypatch.setattr(spare_core, "CORES", 2)
    first, second = side_by_side(name, name)
    assert first == threading.current_thread().name and second.startswith("kehoach-beside")
    monkeypatch.setattr(spare_core, "CORES", 1)
    assert side_by_side(name, name) == (name(), name())
