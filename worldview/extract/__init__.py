"""The extraction library: pure functions from a document's bytes to the parts of its record.

No Prefect, no object store, no model: ``worldview.pipeline`` runs these in order.

decode         bytes -> Unicode text (``decode``)
detect format  HTML, Markdown or plain text (``detect_format``)
read           text -> blocks in reading order + what the markup states (``readers/``, per format)
clean          blocks: repeats, side material, boilerplate, note marks out (``clean``)
segment        title, front matter, takeaways, headings, paragraphs, images, quotes (``segment``)
metadata       authors with affiliations, stated dates, type, language (``metadata``)
tag themes     the tagger's interface (``tag_themes``; the model lives in ``worldview.themes``)
build, check   the record (``build``), against the published schema (``validate``)

The vocabularies these steps match against live in ``rules/``, one concept in one place.
"""
