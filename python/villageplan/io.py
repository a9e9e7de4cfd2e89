"""Readers of benchmark formats.

Examples
--------
>>> import villageplan as vp
>>> costs, p = vp.io.read_orlib_pmed("tests/data/orlib/pmed1.txt")  # doctest: +SKIP
>>> costs.shape, p  # doctest: +SKIP
((100, 100), 5)
"""

from __future__ import annotations

import os

import numpy as np

from villageplan import _core

__all__ = ["read_orlib_pmed"]


def read_orlib_pmed(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Read an OR-Library p-median file (Beasley 1985) as an all-pairs distance matrix.

    The file lists ``n m p`` and then ``m`` undirected edges ``i j c`` (1-based). Following
    OR-Library's rule, when an edge appears twice the **last** line wins; the distances are then
    the shortest paths (Floyd-Warshall).

    Parameters
    ----------
    path : str or os.PathLike
        The ``pmedN.txt`` file.

    Returns
    -------
    costs : numpy.ndarray, shape (n, n)
        Shortest-path distances; every vertex is both a demand point and a candidate site.
    p : int
        The number of medians the instance asks for.

    Raises
    ------
    InvalidInputError
        For a malformed file, naming the line.
    FileNotFoundError
        When the file does not exist.
    """
    return _core.read_orlib_pmed(os.fspath(path))
