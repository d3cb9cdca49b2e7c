"""The whole ingest flow against hostile uploads (issue 15): ~200 good and ~40 hostile objects.

Through ``ingest`` on the session's ``weed mini`` and Prefect harness: the bad-input corpus of
``tests/hostile`` and the cases of issue 15 (a key at the store's limit, a million paragraphs,
200,000 table cells, 50,000 bylines, a 5 MB line, a file over the size limit, one stray byte in a
UTF-8 page, bidi controls and look-alike letters in titles). Every good object is recorded and
indexed; every hostile one is a record (with its warnings) or a failure with an error record and
a quarantined copy; the run completes and says how many failed. Marked ``hostile_flow`` (part of
``make test``; ``-m "not hostile_flow"`` leaves it out) and timed (``-s`` prints the times).
"""

from __future__ import annotations

import time

import pytest
from hostile import cases
from test_faults import audit, doc_id, documents

from flows.ingest import COMPLETED_WITH_FAILURES, IngestRequest, run_ingest
from worldview.settings import get_settings

pytestmark = [pytest.mark.hostile_flow, pytest.mark.usefixtures("prefect_harness")]

GOOD = 200
SIZE_LIMIT = 24 * 1024 * 1024  # WORLDVIEW_MAX_DOCUMENT_BYTES for the run: a 25 MB upload is over
BODY = "Officials in Moscow describe the Arctic as a zone of dialogue. The West disagrees."


def issue_cases() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, what must become of it: "record", "failed" or "either")."""
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Russia’s Shadow Fleet</title>'
        "</head><body><article><h1>Russia’s Shadow Fleet</h1>"
        + "<p>The Kremlin’s “shadow fleet” — ageing tankers — carries oil past the cap.</p>" * 20
        + "</article></body></html>"
    ).encode()
    paragraphs = "".join(f"<p>p{i}</p>" for i in range(1_000_000))  # 11.9 MB, as in the issue
    cells = "".join(f"<tr><td>cell {i}</td><td>more {i}</td></tr>" for i in range(200_000))
    words = " ".join(["statement"] * 50)
    line = " ".join(f"Sentence {i} of the Kremlin's long {words}." for i in range(10_000))
    bidi = "Moscow\u202e's \u2066Arctic\u2069 Plan\u200d"
    return {
        "long/" + "x" * 979 + ".pdf": (b"%PDF-1.7\n%cut short\n", "failed"),
        "million-paragraphs.html": (
            f"<html><body><article><h1>Many</h1>{paragraphs}</article></body></html>".encode(),
            "failed",
        ),
        "table-cells.html": (
            f"<html><body><article><h1>Table</h1><table>{cells}</table></article></body></html>".encode(),
            "failed",
        ),
        "bylines.txt": (
            ("A Title\n\n" + "".join(f"By Anna Person{i:05d}\n" for i in range(50_000))).encode()
            + f"\n{BODY}\n".encode(),
            "record",
        ),
        "five-megabyte-line.txt": (f"One Long Line\n\n{line}\n".encode(), "record"),
        "over-the-size-limit.txt": (b"Big\n\n" + b"Moscow and the West. " * 1_250_000, "failed"),
        "stray-byte.html": (page[:900] + b"\xff" + page[900:], "record"),
        "bidi-title.html": (
            f"<html><head><title>{bidi}</title></head><body><article><h1>{bidi}</h1>"
            f"<p>{BODY}</p><p>{BODY} Again.</p></article></body></html>".encode(),
            "record",
        ),
        "look-alike-title.txt": (f"The W\u0435st and P\u0430ris\n\n{BODY}\n".encode(), "record"),
    }


@pytest.mark.timeout(900)
def test_200_good_and_40_hostile_objects_through_ingest(store, monkeypatch):
    monkeypatch.setenv("WORLDVIEW_MAX_DOCUMENT_BYTES", str(SIZE_LIMIT))
    get_settings.cache_clear()  # the batches' stores read it
    t0 = time.monotonic()
    good = {store.upload_source(f"good/{name}", data).key for name, data in documents(GOOD)}
    expected: dict[str, str] = {}
    for case in cases():
        key = store.upload_source(f"hostile/{case.name}-{case.filename}", case.data).key
        expected[key] = {"error": "failed", "record": "written"}.get(case.expect, "either")
    for name, (data, outcome) in issue_cases().items():
        key = store.upload_source(f"issue15/{name}", data).key
        expected[key] = {"record": "written"}.get(outcome, outcome)
    uploaded = time.monotonic() - t0
    assert len(good) == GOOD and len(expected) >= 40

    t1 = time.monotonic()
    state = run_ingest(IngestRequest(bucket=store.bucket), return_state=True)
    ran = time.monotonic() - t1
    summary = state.result()
    outcomes = {o.key: o for o in summary.outcomes}
    failed = [o for o in summary.outcomes if o.status == "failed"]
    print(
        f"\n[hostile ingest] {len(good)} good + {len(expected)} hostile objects: uploaded in "
        f"{uploaded:.1f} s, ingest {ran:.1f} s; {state.name}: {state.message}"
    )
    assert state.is_completed() and state.name == COMPLETED_WITH_FAILURES, state.message
    assert state.message.startswith(f"{len(failed)} of {len(good) + len(expected)} documents")

    index = store.read_index()
    for key in good:
        assert outcomes[key].status == "written", (key, outcomes[key].reason)
        assert doc_id(store, key) in index, key
    for key, want in expected.items():
        outcome = outcomes[key]
        assert want in {outcome.status, "either"}, (key[:80], outcome.status, outcome.reason)
        if outcome.status == "failed":
            error = store.get_error(outcome.error_key)
            assert error and error["reason"], key
            copy = store.client.head_object(Bucket=store.bucket, Key=error["quarantine_key"])
            assert (
                copy["ContentLength"]
                == store.client.head_object(Bucket=store.bucket, Key=key)["ContentLength"]
            )
        else:
            assert outcome.status == "written" and doc_id(store, key) in index, key

    def record_of(name: str):
        return store.get_version(doc_id(store, f"incoming/issue15/{name}"), 1)

    assert len(record_of("bylines.txt").metadata.authors) == 50
    assert any(
        w.startswith("paragraph_split") for w in record_of("five-megabyte-line.txt").warnings
    )
    stray = record_of("stray-byte.html")
    assert stray.source.encoding == "utf-8" and stray.metadata.title == "Russia’s Shadow Fleet"
    assert record_of("bidi-title.html").metadata.title == "Moscow's Arctic Plan"
    assert any(w.startswith("mixed_scripts") for w in record_of("look-alike-title.txt").warnings)
    for name in ("million-paragraphs.html", "table-cells.html"):
        assert "WORLDVIEW_MAX_PARAGRAPHS" in outcomes[f"incoming/issue15/{name}"].reason
    assert "limit" in outcomes["incoming/issue15/over-the-size-limit.txt"].reason
    audit(store)  # every record complete and valid, versions contiguous, the index consistent

    again = run_ingest(IngestRequest(bucket=store.bucket), return_state=True)
    assert again.result().totals == {"total": 0}, "nothing retried, nothing lost"
