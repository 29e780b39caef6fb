"""What a user of OCRmyPDF or Docling expects of the command line: progress on a terminal,
--version, several files into a folder, standard input, page separators, options anywhere."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kehoach import SAMPLES_DIR, __version__
from kehoach.cli import app, hoist_global_options

TWO_PAGES = SAMPLES_DIR / "plan-born-digital.pdf"  # a text layer: two pages read in a second
LEGACY = SAMPLES_DIR / "plan-legacy-ocr.txt"


def _stderr_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run kehoach with stderr on a pseudo-terminal (as in a shell) and return what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "kehoach.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=300), shown.decode("utf-8", "replace")


def test_page_progress_only_on_a_terminal_unless_asked() -> None:
    code, shown = _stderr_on_a_terminal("text", str(TWO_PAGES))
    assert code == 0 and "plan-born-digital.pdf: page 1/2" in shown and "page 2/2" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "kehoach.cli", "text", str(TWO_PAGES)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert piped.returncode == 0 and "page" not in piped.stderr
    asked = CliRunner().invoke(app, ["text", str(TWO_PAGES), "--progress"])
    assert "page 2/2" in asked.stderr
    code, shown = _stderr_on_a_terminal("text", str(TWO_PAGES), "--no-progress")
    assert code == 0 and "page" not in shown


def test_version_separator_and_standard_input() -> None:
    version = CliRunner().invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith(f"kehoach {__version__} ")
    paged = CliRunner().invoke(app, ["text", str(TWO_PAGES)])
    assert paged.stdout.count("\n\f\n") == 1  # two pages, one form-feed line between them
    joined = CliRunner().invoke(app, ["text", str(TWO_PAGES), "--page-separator", ""])
    assert "\f" not in joined.stdout
    piped = CliRunner().invoke(app, ["text", "-"], input=LEGACY.read_bytes())
    assert (
        piped.exit_code == 0
        and piped.stdout == CliRunner().invoke(app, ["text", str(LEGACY)]).stdout
    )


def test_limits_after_the_command_and_named_as_options() -> None:
    assert hoist_global_options(["text", "a.pdf", "--max-pages", "3", "--json"]) == [
        "--max-pages",
        "3",
        "text",
        "a.pdf",
        "--json",
    ]
    assert hoist_global_options(["text", "--", "--max-pages"]) == ["text", "--", "--max-pages"]
    assert hoist_global_options(["text", "a.pdf", "--force-ocr"]) == [
        "--force-ocr",
        "text",
        "a.pdf",
    ]
    after = CliRunner().invoke(app, ["text", str(TWO_PAGES), "--max-pages", "1"])
    assert after.exit_code == 3
    assert "(raise --max-pages) [too-many-pages]" in after.stderr
    zero = CliRunner().invoke(app, ["text", str(TWO_PAGES), "--max-pages=0"])
    assert zero.exit_code == 2 and "--max-pages" in zero.stderr


def test_extract_several_files_into_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["extract", str(LEGACY), str(TWO_PAGES), "--to", "md", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        str(out / "plan-legacy-ocr.md"),
        str(out / "plan-born-digital.md"),
    ]
    page = (out / "plan-legacy-ocr.md").read_text(encoding="utf-8")
    assert page.startswith("# ") and "## Phân công" in page and f"`{LEGACY}`" in page
    as_json = CliRunner().invoke(app, ["extract", str(LEGACY), "-", "-o", str(out)], input=b"")
    assert as_json.exit_code == 1  # the empty standard input failed, the other file was written
    assert "stdin" in as_json.stderr and "[empty]" in as_json.stderr
    assert json.loads((out / "plan-legacy-ocr.json").read_text(encoding="utf-8"))["doc"]
    several = CliRunner().invoke(app, ["extract", str(LEGACY), str(TWO_PAGES)])
    assert several.exit_code == 2 and "-o/--output-dir" in several.stderr
