"""Help that reads as words: `storyreel say [OPTIONS] DIRECTORY INSTRUCTION`.

Recent typer prints an argument as `{directory}` in the usage line and a type beside every
parameter (`<path>`, `<str>`, `<bool>` even beside `--help`). Here an argument shows as its name
in capitals, an option that takes a value as a word for that value, and a flag as nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import typer
from typer.core import TyperCommand, TyperGroup

VALUE_WORDS: dict[Any, str] = {str: "TEXT", int: "N", float: "NUMBER", Path: "PATH"}
"""The word shown for an option's value, by its type (a list shows the word of its items)."""


def _name_values(params: list[Any]) -> list[Any]:
    for param in params:
        if param.metavar is not None:
            continue
        if getattr(param, "param_type_name", "") == "argument":
            param.metavar = (param.name or "value").upper()
            if hasattr(param, "display_type_rich"):
                param.display_type_rich = _no_type  # its name says what it is; `<path>` beside it says less
        elif getattr(param, "is_flag", False):
            param.metavar = ""  # a flag takes no value: show no type beside it
        else:
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            item = (get_args(annotation) or (annotation,))[0]
            word = VALUE_WORDS.get(item)
            if word is not None:  # older typer (without type_descriptor) already writes TEXT, INTEGER...
                param.metavar = word
    return params


def _no_type(ctx: Any = None) -> None:
    return None


class ReadableCommand(TyperCommand):
    """A command whose help names its arguments in capitals and its values in words."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, each with a readable metavar."""
        return _name_values(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] DIRECTORY [FILE]`: required arguments bare, optional ones in brackets."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if getattr(param, "param_type_name", "") != "argument":
                continue
            name = param.metavar if param.required else f"[{param.metavar}]"
            pieces.append(name if param.nargs == 1 else f"{name}...")
        return pieces


class ReadableGroup(TyperGroup):
    """The top command: `--help` with no type beside it."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, each with a readable metavar."""
        return _name_values(super().get_params(ctx))


class ReadableTyper(typer.Typer):
    """A Typer app whose commands are `ReadableCommand`s unless one asks for another class."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(cls=ReadableGroup, **settings)

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **settings: Any) -> Callable[[Any], Any]:
        """Register a command (typer's `Typer.command`), readable by default."""
        return super().command(*args, cls=cls or ReadableCommand, **settings)
