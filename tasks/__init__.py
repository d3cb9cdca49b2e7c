"""One module per pipeline step: a pure function over typed models plus a thin Prefect task.

Importing this package never imports Prefect: the ``*_task`` objects are created on first use
(see ``tasks._prefect``), so ``worldview process`` stays fast.
"""
