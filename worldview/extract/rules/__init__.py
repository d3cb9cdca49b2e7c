"""Rules as data: the vocabularies and patterns the extraction library recognises, grouped by
concept, one concept in one place (token groups composed into patterns, thresholds named), in
the style of trafilatura's ``xpaths.py``. Code that applies a rule imports it from here.

Where each concept lives:

- ``chrome``: site chrome in HTML. Never-text elements, hidden elements, landmarks and ARIA
  roles, and the class/id words of each kind of chrome (cookie banner, newsletter prompt, share
  buttons, related links, comments, breadcrumbs, ads, popups, navigation, hidden elements,
  embeds, tags, toolbars; weak layout words for header, footer, sidebar, navigation), with the
  size thresholds that keep a page wrapper with an unlucky class.
- ``markup``: what HTML markup says a block or a page is. Element vocabularies, the class words
  of a block's role (bio, byline, dateline, subtitle, caption, credit, kicker), teaser cards,
  image junk, publication types, meta and JSON-LD keys, title separators; then the HTML copies
  of concepts the text side also has (takeaways heading, honorifics, names, job titles,
  boilerplate and tool lines, labelled author and date lines, "By").
- ``people``: names, bylines and their labels, honorifics, job titles, organisations, bios.
- ``dates``: month and weekday names, full dates in running text, update marks.
- ``sections``: headings and what they announce (key takeaways, author box, related lists,
  apparatus, kickers).
- ``side_material``: lines that belong in a field of the record (photo lines, editor's notes,
  disclaimers), note marks, invisible characters.
- ``captions``: credit labels, where a credit sits in a caption, agencies.
- ``pages``: what paginated documents (PDF) print besides their text: running headers and
  footers, page numbers, a browser's print header and footer; ligatures, the typesetter's
  hyphens and real compounds; endnote headings; document properties that are not a title.
- ``boilerplate``: interface text that survives as lines (share and subscribe prompts, menus,
  reading times).
- ``scripts``: writing systems without spaces between words (CJK): how words are counted, and
  their full-width sentence punctuation.

Adding a rule for a new site's chrome, e.g. a "Get our briefing" box with
``class="briefing-signup"``: its words already match ``NEWSLETTER_PROMPT`` ("signup"), so it goes
and the warning says "newsletter prompt". For ``class="briefing-box"``, add ``"briefing"`` to the
concept's token group in ``chrome`` (a regex fragment, matched at the start of a class/id
component); the pattern and the warning label follow from the group. A new kind of chrome is a
new token group, a ``Chrome`` member named after it and an entry in ``STRONG_CONCEPTS`` (or
``WEAK_CONCEPTS`` for layout words, which count only as a whole class token or its first or last
component). Then add the page to ``tests/fixtures/html/`` and check the snapshot.
"""
