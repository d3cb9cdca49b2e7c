"""The page server: the store's record pages and trends over plain HTTP, on 127.0.0.1.

``worldview up`` starts it (``worldview pages`` runs it in the foreground) at
``WORLDVIEW_VIEWS_URL`` (default http://127.0.0.1:4280), where run artifacts link. Read-only.

    /                                   every document's latest record, filterable by theme
    /views/<document_id>/v<N>.html      a record version's page (stored, or rendered from it)
    /documents/<document_id>            redirect to the latest version's page
    /trends?by=month|site|author&measure=documents|sentences
    /views/trends/<name>.html|.svg      trends an ingest run stored
    /health                             "ok"
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from worldview.storage import RecordStore
from worldview.views.html import CSP, esc, human_date, page, swatch
from worldview.views.store import (
    HTML,
    SVG,
    TREND_KEY,
    VIEW_KEY,
    corpus_rows,
    get_object,
    page_for,
    view_key,
)
from worldview.views.themed import theme_info
from worldview.views.trends import GROUPINGS, MEASURES, DocRow, compute_trends
from worldview.views.trends_page import render_trends

log = logging.getLogger(__name__)

INDEX_CSS = """
.lede { color: var(--muted); font: .95rem var(--sans); }
table.docs { width: 100%; font-size: .88rem; }
table.docs td.title a { font-weight: 600; text-decoration: none; }
table.docs td.title a:hover { text-decoration: underline; }
.chips { display: flex; flex-wrap: wrap; gap: .25rem .5rem; }
.chips a { text-decoration: none; color: var(--ink); white-space: nowrap; font-size: .8rem; }
.chips a:hover { text-decoration: underline; }
.filters { font: .85rem/1.9 var(--sans); }
.filters a, .filters b { margin-right: .5rem; white-space: nowrap; }
.filters a { text-decoration: none; }
.filters a:hover { text-decoration: underline; }
table.docs td.date { white-space: nowrap; }
@media (max-width: 40rem) { table.docs .site, table.docs .authors { display: none; } }
"""


def index_page(rows: list[DocRow], theme: str | None = None) -> str:
    """Every document, newest stated date first; ``theme`` keeps those that carry it."""
    shown = [r for r in rows if theme is None or r.theme_sentences.get(theme)]
    shown.sort(key=lambda r: (r.published or "", r.title.casefold()), reverse=True)
    counts: dict[str, int] = {}
    for r in rows:
        for t in r.theme_sentences:
            counts[t] = counts.get(t, 0) + 1
    filters = ['<a href="/">all</a>' if theme else "<b>all</b>"]
    for theme_id in sorted(counts, key=lambda t: -counts[t]):
        info = theme_info(theme_id)
        label = f"{swatch(info.colour.hex)} {esc(info.label)} ({counts[theme_id]})"
        if theme_id == theme:
            filters.append(f"<b>{label}</b>")
        else:
            filters.append(f'<a href="/?{urlencode({"theme": theme_id})}">{label}</a>')
    body_rows = []
    for r in shown:
        href = "/" + view_key(r.document_id, r.version)
        ranked = sorted(r.theme_sentences.items(), key=lambda kv: -kv[1])
        chips = "".join(
            f'<a href="/?{urlencode({"theme": t})}" title="{n} sentences">'
            f"{swatch(theme_info(t).colour.hex)} {esc(theme_info(t).label)} {n}</a>"
            for t, n in ranked
        )
        body_rows.append(
            f'<tr><td class="title"><a href="{esc(href)}">{esc(r.title)}</a></td>'
            f'<td class="date">{esc(human_date(r.published) or "undated")}</td>'
            f'<td class="site">{esc(r.site or "")}</td>'
            f'<td class="authors">{esc(", ".join(r.authors))}</td>'
            f'<td><div class="chips">{chips}</div></td></tr>'
        )
    noun = "document" if len(rows) == 1 else "documents"
    what = f"{len(shown)} of {len(rows)} {noun}" if theme else f"{len(rows)} {noun}"
    body = (
        f'<div class="wrap"><h1>Worldview records</h1><p class="lede">{what} · '
        '<a href="/trends?by=month">theme trends</a> · each title opens the latest record’s '
        "page</p>"
        f'<p class="filters">Theme: {" ".join(filters)}</p>'
        '<div class="scroll"><table class="docs"><thead><tr><th>title</th><th>published</th>'
        '<th class="site">site</th><th class="authors">authors</th><th>themes (sentences)</th>'
        f"</tr></thead><tbody>{''.join(body_rows)}</tbody></table></div></div>"
    )
    return page("Worldview records", body, INDEX_CSS)


def _trends_link(by: str | None, measure: str) -> str:
    query = {"measure": measure}
    if by:
        query["by"] = by
    return "/trends?" + urlencode(query)


class PageHandler(BaseHTTPRequestHandler):
    server_version = "worldview-pages"
    store: RecordStore  # set on the class made by ``make_server``

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str) -> None:
        body = page(
            message,
            f'<div class="wrap"><h1>{esc(message)}</h1><p><a href="/">all documents</a></p></div>',
        )
        self._send(status, body.encode(), HTML)

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path
        try:
            self._route(path, query)
        except Exception as exc:  # the store is down, a record is unreadable: say so
            log.exception("%s failed", self.path)
            self._text(HTTPStatus.BAD_GATEWAY, f"The object store could not answer: {exc}")

    def _route(self, path: str, query: dict[str, str]) -> None:
        if path == "/health":
            self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
        elif path == "/":
            theme = query.get("theme") or None
            html = index_page(corpus_rows(self.store), theme)
            self._send(HTTPStatus.OK, html.encode(), HTML)
        elif path == "/trends":
            self._trends(query)
        elif path.startswith("/documents/"):
            document_id = path.removeprefix("/documents/").strip("/")
            pointer = self.store.read_index().get(document_id)
            if pointer is None:
                self._text(HTTPStatus.NOT_FOUND, "No such document")
            else:
                location = "/" + view_key(document_id, pointer.version)
                self._send(HTTPStatus.FOUND, b"", HTML, {"Location": location})
        elif match := VIEW_KEY.match(path.lstrip("/")):
            document_id, version = match["doc"], int(match["version"])
            body = page_for(self.store, document_id, version)
            if body is None:
                self._text(HTTPStatus.NOT_FOUND, "No such record version")
            else:
                self._send(HTTPStatus.OK, body, HTML)
        elif TREND_KEY.match(path.lstrip("/")):
            body = get_object(self.store, path.lstrip("/"))
            if body is None:
                self._text(HTTPStatus.NOT_FOUND, "No such trends page")
            else:
                self._send(HTTPStatus.OK, body, SVG if path.endswith(".svg") else HTML)
        else:
            self._text(HTTPStatus.NOT_FOUND, "Not found")

    def _trends(self, query: dict[str, str]) -> None:
        by = query.get("by") or None
        measure = query.get("measure") or "documents"
        if (by is not None and by not in GROUPINGS) or measure not in MEASURES:
            self._text(
                HTTPStatus.BAD_REQUEST, "by: month, site or author; measure: documents or sentences"
            )
            return
        rows = corpus_rows(self.store)
        trends = compute_trends(rows, by)
        html = render_trends(
            trends,
            measure,
            rows=rows,
            as_of=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            link=_trends_link,
            doc_link=lambda r: "/" + view_key(r.document_id, r.version),
            back_link=("/", "all documents"),
        )
        self._send(HTTPStatus.OK, html.encode(), HTML)


def make_server(store: RecordStore, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("BoundPageHandler", (PageHandler,), {"store": store})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
