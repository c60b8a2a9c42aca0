"""Where worker processes may be forked from this one, inheriting its memory."""
from __future__ import annotations

import multiprocessing
import sys

__all__ = ["fork_context"]


def fork_context():
    """multiprocessing's "fork" context where forking is safe, else None: not on
    macOS, where forking after numpy's libraries have started is unsafe, nor where the
    platform has no fork (Windows)."""
    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")
