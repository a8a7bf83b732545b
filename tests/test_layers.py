"""The layers hold: import-linter's contracts in pyproject.toml, and no module borrows another's
private names."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("story", "memory", "tools", "agent", "evals", "ui")


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.count(" KEPT") == 3, done.stdout


def _private_imports(path: Path, root: Path = REPO) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(root)}:{node.lineno} imports {alias.name} from {node.module}")
    return found


def test_no_module_imports_another_s_private_names() -> None:
    found = [line for package in PACKAGES for path in (REPO / package).rglob("*.py") for line in _private_imports(path)]
    assert found == []


def test_the_private_name_check_sees_a_private_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from ui.door import _hidden, __version__\nfrom os import _exit\n")
    assert _private_imports(sample, tmp_path) == ["sample.py:1 imports _hidden from ui.door"]
