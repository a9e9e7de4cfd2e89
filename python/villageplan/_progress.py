"""Progress bars for long solves, simulations and sweeps.

The Rust core reports ``(done, total)`` of the current phase through an atomic counter; the
thread that waits for the result (the one holding the GIL) reads it every 50 ms, checks for
Ctrl-C, and calls the callable made here, which moves a tqdm bar. No Python code runs on the
worker threads.

``progress=None`` (the default everywhere) means *auto*: a bar when standard error is a terminal
or the code runs in a Jupyter kernel, shown only once the work has taken more than half a
second, so quick calls stay silent. ``progress=True`` forces it on (needs tqdm: ``pip install
villageplan[plot]``), ``progress=False`` turns it off.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["DELAY", "ProgressBar", "enabled", "progress_bar"]

#: Seconds a run must last before its bar appears.
DELAY = 0.5


def _in_notebook() -> bool:
    """Whether the code runs in a Jupyter (ipykernel) kernel."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel depends on IPython
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def enabled(progress: bool | None) -> bool:
    """Resolve a ``progress`` argument: True, False, or None for auto (a terminal or a notebook).

    Raises
    ------
    TypeError
        For anything but True, False or None.
    ImportError
        For ``progress=True`` without tqdm (auto quietly shows no bar then).
    """
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"`progress` must be True, False or None (auto), got {progress!r}")
    if progress is False:
        return False
    if progress is None:
        # Auto: only where someone watches. Decided before importing tqdm, which alone costs tens of
        # milliseconds, more than a small solve.
        stream = sys.stderr
        watched = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty()) or _in_notebook()
        if not watched:
            return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        if progress:
            raise ImportError("progress bars need tqdm: pip install villageplan[plot] (or pip install tqdm)") from None
        return False
    return True


class ProgressBar:
    """A callable ``(done, total)`` that drives a tqdm bar, created on the first report."""

    def __init__(self, desc: str, unit: str = "step", *, delay: float | None = None) -> None:
        self.desc = desc
        self.unit = unit
        self.delay = DELAY if delay is None else delay
        self.bar: Any = None
        self.reports = 0

    def _make(self, total: int) -> Any:
        from tqdm.std import tqdm as tqdm_std

        options = {"total": total, "desc": self.desc, "unit": self.unit, "delay": self.delay, "leave": False}
        # In Jupyter, a widget bar when ipywidgets is installed; otherwise the text bar on stderr.
        if _in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
            try:
                from tqdm.notebook import tqdm as tqdm_notebook

                return tqdm_notebook(**options)
            except ImportError:  # pragma: no cover - an ipywidgets too old for tqdm
                pass
        return tqdm_std(file=sys.stderr, **options)

    def __call__(self, done: int, total: int) -> None:
        """Move the bar to ``done`` of ``total`` (a new total starts a new phase)."""
        self.reports += 1
        if self.bar is None:
            self.bar = self._make(total)
        elif self.bar.total != total:
            self.bar.reset(total=total)
        self.bar.n = min(done, total)
        self.bar.refresh()

    def close(self) -> None:
        """Close the bar (it disappears: ``leave=False``)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def progress_bar(progress: bool | None, desc: str, unit: str = "step") -> Iterator[ProgressBar | None]:
    """Yield the progress callable to hand to the core (None when the bar is off), closing it after."""
    if not enabled(progress):
        yield None
        return
    bar = ProgressBar(desc, unit)
    try:
        yield bar
    finally:
        bar.close()
