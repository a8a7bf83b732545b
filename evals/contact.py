"""A contact sheet of a project's reel, one keyframe a shot with its label, for docs and reviews.

`python -m evals.contact DIR OUT.png` writes the sheet of the project folder DIR to OUT.png: the
same sheet `storyreel export DIR --to contact` puts in cut/, written anywhere (docs/, a review).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from story import ProjectFolder
from tools.export.contact import write_contact_sheet
from tools.export.keyframes import shot_keyframes


def write_sheet(root: Path, output: Path, width: int = 480) -> int:
    """Write the contact sheet of the project at `root` to `output`; the number of shots on it."""
    folder = ProjectFolder.open(root)
    project = folder.load()
    keyframes = shot_keyframes(folder, project, width=width)
    write_contact_sheet(project, keyframes, output)
    return len(keyframes)


def main(argv: list[str] | None = None) -> int:
    """Command line: DIR OUT.png."""
    parser = argparse.ArgumentParser(prog="python -m evals.contact", description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a project folder")
    parser.add_argument("output", type=Path, help="the PNG to write")
    args = parser.parse_args(argv)
    shots = write_sheet(args.project, args.output)
    print(f"{args.output}: {shots} shots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
