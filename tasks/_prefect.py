"""Thin, lazily created Prefect task wrappers.

Prefect takes about a second to import; the pure core (``worldview process``) must not pay that.
``prefect_task(fn, **options)`` returns an object that becomes ``prefect.task(fn, **options)`` the
first time a flow calls, submits or maps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class LazyTask:
    def __init__(self, fn: Callable[..., Any], options: dict[str, Any]) -> None:
        self.fn = fn
        self.options = options
        self._task: Any = None
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    @property
    def task(self) -> Any:
        if self._task is None:
            from prefect import task

            self._task = task(self.fn, **self.options)
        return self._task

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.task(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # submit, map, with_options, ...
        if name in {"task", "_task", "fn", "options"}:
            # An AttributeError raised while building the task lands here: do not recurse.
            raise AttributeError(name)
        return getattr(self.task, name)


def prefect_task(fn: Callable[..., Any] | None = None, **options: Any) -> Any:
    if fn is None:
        return lambda f: LazyTask(f, options)
    return LazyTask(fn, options)
