"""The surface a panel is drawn on: larger than the frame, addressed in shares of the frame."""

from __future__ import annotations

from PIL import Image, ImageDraw


class Canvas:
    """A drawing surface holding the frame's view at (ox, oy); coordinates are frame shares."""

    def __init__(self, width: int, height: int, view_w: int, view_h: int) -> None:
        self.image = Image.new("RGB", (width, height))
        self.draw = ImageDraw.Draw(self.image)
        self.w, self.h, self.vw, self.vh = width, height, view_w, view_h
        self.ox, self.oy = (width - view_w) / 2, (height - view_h) / 2

    def x(self, share: float) -> float:
        """Canvas x of a share of the frame's width."""
        return self.ox + share * self.vw

    def y(self, share: float) -> float:
        """Canvas y of a share of the frame's height."""
        return self.oy + share * self.vh

    def line(self, size: float) -> int:
        """Ink width for a thing `size` pixels tall."""
        return max(1, round(min(size * 0.012, self.vh * 0.005)))
