"""The quality suite's cases: a brief, what its plan must hold, and a short conversation of revisions.

One YAML file a case under evals/quality/cases/. The fields:

    title: The keeper's light          # what the report calls it
    genre: adventure                   # for the report's spread; free text
    form: prose                        # prose | fountain
    tags: [dialogue, vague]            # free labels (many-characters, short, long...)
    brief: |                           # the brief, as a person would give it
      ...
    plan:                              # checked on the planned story
      characters: [Mara, Tomas]        # each must be in the cast and in at least one shot
      beats:                           # each must have a shot whose action, beat or lines
        - lamp                         #   hold every word given (case-insensitive)
        - [boat, rocks]
      seconds: [50, 70]                # the story's length, when the brief asks for one
      checks: [shots >= 8]             # any other checks (evals/quality/checks.py)
      speakers: [Mara, Tomas, Mara]    # who says each line of the plan, in order
    turns:                             # said in order, each on the story the last one left
      - say: make shot 3 a close-up
        checks: [shot 3 size == CU]    # every part of the instruction, done
        allow: [shot 3.size]           # what may change (shot numbers as before the turn)
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CASES_DIR = Path(__file__).resolve().parent / "cases"


class CaseError(ValueError):
    """A case file that cannot be read; names the file and the problem."""


class PlanExpectations(BaseModel):
    """What the planned story must hold."""

    model_config = ConfigDict(extra="forbid")
    characters: list[str] = Field(default_factory=list, description="Names that must be cast and on screen.")
    beats: list[list[str]] = Field(default_factory=list, description="Each beat: words one shot must hold.")
    seconds: tuple[float, float] | None = Field(None, description="Range the story's length must fall in.")
    checks: list[str] = Field(default_factory=list, description="Further checks on the planned story.")
    speakers: list[str] = Field(
        default_factory=list, description="Who says each line of the plan, in order, as a careful reader would."
    )

    @field_validator("beats", mode="before")
    @classmethod
    def _words(cls, value: object) -> object:
        if isinstance(value, list):
            return [[b] if isinstance(b, str) else b for b in value]
        return value


class Turn(BaseModel):
    """One thing the person says, and what must follow."""

    model_config = ConfigDict(extra="forbid")
    say: str = Field(min_length=1)
    checks: list[str] = Field(default_factory=list, description="Every part of the instruction, as checks.")
    allow: list[str] = Field(default_factory=list, description="Diff paths that may change; nothing else may.")
    why: str = Field("", description="What the turn tests, for the report.")


class Case(BaseModel):
    """One case of the quality suite."""

    model_config = ConfigDict(extra="forbid")
    id: str = ""
    title: str
    genre: str = "drama"
    form: Literal["prose", "fountain"] = "prose"
    tags: list[str] = Field(default_factory=list)
    brief: str = Field(min_length=1)
    plan: PlanExpectations = Field(default_factory=PlanExpectations)
    turns: list[Turn] = Field(default_factory=list)


def load_case(path: Path) -> Case:
    """One case from its YAML file; its id is the file name."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Case.model_validate({**data, "id": path.stem})
    except (OSError, yaml.YAMLError, TypeError) as exc:
        raise CaseError(f"{path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CaseError(f"{path}: {where}: {first['msg']}") from None


def load_cases(pattern: str | None = None) -> list[Case]:
    """Every case whose file matches the glob (default: all of evals/quality/cases/), sorted by id.

    A pattern with no slash is matched against the case files' names (`'noir-*'`)."""
    if pattern is None or ("/" not in pattern and not Path(pattern).exists()):
        name = pattern or "*"
        name = name if name.endswith((".yaml", ".yml")) or name.endswith("*") else name + ".yaml"
        paths = sorted(CASES_DIR.glob(name))
    else:
        paths = sorted(Path(p) for p in glob.glob(pattern))
    if not paths:
        raise CaseError(f"no case files match {pattern!r} (cases live in {CASES_DIR})")
    return [load_case(p) for p in paths]
