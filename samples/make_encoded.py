"""Write the sample articles that need exact bytes (encodings, CRLF, mojibake) from UTF-8 sources.

The sources are kept as UTF-8 with LF line ends in ``samples/src/``; the files in
``samples/articles/`` are what the pipeline reads and are committed. Run from anywhere:

    .venv/bin/python samples/make_encoded.py          # (re)write the articles
    .venv/bin/python samples/make_encoded.py --check  # fail if a committed article is stale
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
SRC = SAMPLES / "src"
ARTICLES = SAMPLES / "articles"


@dataclass(frozen=True)
class Recipe:
    encoding: str  # Python codec for the bytes on disk
    crlf: bool = False
    # Simulate a broken round trip: the UTF-8 bytes were once read as Windows-1252 and the
    # resulting text saved again as UTF-8 ("’" becomes "â€™"). Bytes 0x81/0x8D/0x8F/0x90/0x9D,
    # undefined in cp1252, become the C1 controls a lenient decoder yields for them.
    mojibake: bool = False
    # 8-bit text a tool appended after the encoded text (written as UTF-8 bytes): in a UTF-16
    # file it reads as CJK-looking garbage unless the decoder notices.
    tail: str = ""


RECIPES: dict[str, Recipe] = {
    "sahel_africa_corps.html": Recipe("utf-8", crlf=True),
    "russia_china_no_limits.html": Recipe("cp1252"),
    "south_caucasus_after_karabakh.md": Recipe("utf-8-sig", crlf=True),
    "moldova_transnistria.txt": Recipe("cp1252", crlf=True),
    "central_asia_multivector.txt": Recipe("utf-16"),
    "black_sea_grain_corridor.txt": Recipe("utf-8", mojibake=True),
    "north_south_corridor_iran.txt": Recipe(
        "utf-16",
        tail="\nCorrected on 2 April 2025: an earlier version gave the wrong length for the "
        "Rasht-Astara railway.\n",
    ),
}


def cp1252_lenient(data: bytes) -> str:
    return "".join(
        bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in data
    )


def render(text: str, recipe: Recipe) -> bytes:
    if recipe.mojibake:
        text = cp1252_lenient(text.encode("utf-8"))
    if recipe.crlf:
        text = text.replace("\n", "\r\n")
    # "utf-16" writes a BOM, "utf-8-sig" too
    return text.encode(recipe.encoding) + recipe.tail.encode("utf-8")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, recipe in RECIPES.items():
        source = SRC / name
        if not source.is_file():
            stale.append(f"{name} (no source)")
            continue
        data = render(source.read_text(encoding="utf-8"), recipe)
        target = ARTICLES / name
        if check:
            if not target.is_file() or target.read_bytes() != data:
                stale.append(name)
        else:
            target.write_bytes(data)
            print(f"wrote {target.relative_to(SAMPLES)} ({recipe})")
    if stale:
        print(f"not written or stale: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
