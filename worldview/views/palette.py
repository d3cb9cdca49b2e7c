"""The theme colours (``palette.json``, the one place they are kept) and the colour arithmetic the
pages need: tints for highlighted sentences, contrast checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PALETTE_PATH = Path(__file__).with_name("palette.json")


@dataclass(frozen=True)
class Colour:
    hex: str
    name: str

    def tint(self, amount: float) -> str:
        """This colour mixed with white: ``amount`` 0 is white, 1 the colour itself."""
        return mix(self.hex, "#ffffff", amount)


@dataclass(frozen=True)
class Palette:
    version: str
    colours: dict[str, Colour]
    unknown: Colour

    def colour(self, theme_id: str) -> Colour:
        """The theme's colour; a theme the palette does not know (a newer taxonomy) is grey."""
        return self.colours.get(theme_id, self.unknown)


@cache
def load_palette(path: Path = PALETTE_PATH) -> Palette:
    data = json.loads(path.read_text(encoding="utf-8"))
    colours = {k: Colour(v["hex"], v["name"]) for k, v in data["colors"].items()}
    unknown = Colour(data["unknown"]["hex"], data["unknown"]["name"])
    return Palette(version=data["version"], colours=colours, unknown=unknown)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(colour: str, other: str, amount: float) -> str:
    """``amount`` of ``colour`` over ``other`` (sRGB), as ``#rrggbb``."""
    a, b = rgb(colour), rgb(other)
    channels = (round(x * amount + y * (1 - amount)) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
