"""The README's two set-up commands, CI and the package's entry points agree."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def bash_blocks(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", markdown, flags=re.S)


def test_readme_setup_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    readme = (REPO / "README.md").read_text()
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [block.strip() for block in bash_blocks(setup)]
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "storyreel new" in commands[0] and "--example" in commands[0]
    assert "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci, ".ci/run must run the README's test command verbatim"


def test_ci_installs_only_the_browser_and_melt_and_the_readme_names_the_browser() -> None:
    """Everything else comes from wheels, so CI proves the bare path a new user has."""
    ci = (REPO / ".ci" / "run").read_text()
    installed = sorted(p.split(":")[1] for line in re.findall(r"^install (.+)$", ci, flags=re.M) for p in line.split())
    assert installed == ["chromium", "melt"]
    setup = " ".join((REPO / "README.md").read_text().split("## Set up", 1)[1].split("\n## ", 1)[0].split())
    assert "browser tests need Chromium at `/usr/bin/chromium`" in setup
    assert "ffprobe" not in setup


def test_animatic_is_registered_through_the_entry_point_group() -> None:
    names = [point.name for point in entry_points(group="storyreel.renderers")]
    assert "animatic" in names


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys, ui.cli; "
        "heavy = [m for m in ('numpy', 'PIL', 'pydantic', 'agent', 'tools', 'torch') if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "[]", done.stdout
