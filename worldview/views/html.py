"""Pieces every page shares: escaping, the page shell (one self-contained document: inline CSS,
no script, a Content-Security-Policy that forbids fetching anything), dates, swatches."""

from __future__ import annotations

import html
from datetime import date
from urllib.parse import urlparse

from worldview import __version__

# Nothing loads from anywhere: no scripts, no fonts, no images but inline ones; styles inline.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"

BASE_CSS = """
:root { color-scheme: light; --ink: #1d1d22; --muted: #585863; --rule: #d9d9e0;
  --paper: #ffffff; --page: #f3f2ee; --link: #1b4f9c;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --serif: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, "DejaVu Serif", serif; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink); font: 17px/1.6 var(--serif); }
a { color: var(--link); }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
.wrap { max-width: 76rem; margin: 0 auto; padding: 2rem clamp(1rem, 4vw, 3rem) 3rem;
  background: var(--paper); min-height: 100vh; }
h1, h2, h3 { font-family: var(--sans); line-height: 1.25; }
h1 { font-size: clamp(1.6rem, 4vw, 2.3rem); margin: .3rem 0 .6rem; letter-spacing: -.01em; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .8rem; }
h3 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
.ui, nav, aside, footer, table, .facts, .kicker, .byline, .note, figcaption, .focus {
  font-family: var(--sans); }
.muted { color: var(--muted); }
.sw { display: inline-block; width: .8em; height: .8em; border-radius: 2px; background: var(--c);
  vertical-align: -.05em; flex: none;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.tag { white-space: nowrap; }
.sc { font-variant-numeric: tabular-nums; color: var(--muted); font-size: .88em; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .6rem .3rem 0; border-bottom: 1px solid var(--rule);
  vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; max-width: 100%; }
.site-foot { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--rule);
  font: .8rem/1.5 var(--sans); color: var(--muted); }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  .wrap { max-width: none; padding: 0; min-height: 0; }
  a { color: inherit; text-decoration: none; }
  .noprint { display: none !important; }
  h2, h3 { break-after: avoid; }
  @page { margin: 16mm 15mm; }
}
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: str, css: str = "", lang: str | None = "en") -> str:
    """A complete, self-contained HTML document."""
    lang_attr = f' lang="{esc(lang)}"' if lang else ""
    return (
        f'<!DOCTYPE html>\n<html{lang_attr}>\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="generator" content="worldview {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def human_date(iso: str | None) -> str | None:
    """``2025-06-12`` -> ``12 June 2025`` (as stated; None stays None)."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL to link to, or None (no javascript:, data: or relative links from records)."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme in {"http", "https"} and parsed.netloc:
        return url.strip()
    return None


def swatch(hex_colour: str) -> str:
    return f'<span class="sw" style="--c:{esc(hex_colour)}" aria-hidden="true"></span>'


def score(value: float) -> str:
    return f"{value:.2f}"
