"""Text from a model or a file is data: made safe to show, never read as markup or terminal codes.

A reply, a tool call's arguments, a shot's action or an error quoting them can hold anything a
model or a file put there: rich markup (`[/]`, `[link=...]`), terminal escape sequences (a new
window title, a cleared screen), other control characters, HTML. Every door shows such text
through these functions: `plain` for any medium, `print_plain` for the terminal, `html_text`
for the studio.
"""

from __future__ import annotations

import html
import re
from typing import Any

from rich.console import Console
from rich.text import Text

_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: colours, cursor moves, clearing the screen
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|(?=\n)|$)"  # OSC, DCS, SOS, PM, APC strings: window titles, links...
    r"|\x1b[ -/]*[0-~]?"  # any other escape, and a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]",  # the other C0 and C1 controls: all but tab and newline
    re.DOTALL,
)


def plain(text: Any) -> str:
    """`text` as a string with terminal escape sequences and control characters removed.

    Newlines and tabs stay; a Windows line end becomes a newline. Markup is not touched here: it
    is shown as written because it is printed with markup off (`print_plain`) or escaped (`html_text`).
    """
    return _CONTROL.sub("", str(text).replace("\r\n", "\n"))


def print_plain(console: Console, *parts: str | tuple[str, str], **options: Any) -> None:
    """Print model- or file-derived text through rich with no markup, emoji codes or highlighting.

    Each part is a string, or a (string, style) pair for our own labels ("error", "warning");
    every string is cleaned by `plain`.
    """
    line = Text.assemble(*((plain(p[0]), p[1]) if isinstance(p, tuple) else plain(p) for p in parts))
    console.print(line, markup=False, emoji=False, highlight=False, **options)


def html_text(text: Any) -> str:
    """`text` cleaned by `plain` and escaped as HTML, for the studio's chat (which renders Markdown and HTML)."""
    return html.escape(plain(text), quote=False)
