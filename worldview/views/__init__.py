"""Views of what the pipeline found, for people: a record as a self-contained HTML page with its
themed sentences highlighted, a terminal summary, theme trends over the corpus (table and SVG
chart), the pages in the store (``views/``) and a small local page server.

Pure rendering reads the contract (``worldview.record``) and the taxonomy's labels and
definitions; only ``views.store`` and ``views.server`` touch the object store. Importing this
package is cheap (no torch, no Prefect).
"""
