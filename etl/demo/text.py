"""Small helpers that also work on empty arrays (tiny scales)."""

from __future__ import annotations

import numpy as np


def numbered(prefix: np.ndarray | str, numbers: np.ndarray, width: int) -> np.ndarray:
    """`VM23` + 17 -> `VM23000017`, per row; `prefix` is one string or one per row."""
    prefixes = [prefix] * len(numbers) if isinstance(prefix, str) else [str(p) for p in prefix]
    return np.array([f"{p}{int(n):0{width}d}" for p, n in zip(prefixes, numbers, strict=True)], dtype=object)


def at_least(rng: np.random.Generator, chosen: np.ndarray, candidates: np.ndarray, k: int) -> np.ndarray:
    """`chosen` plus random `candidates` until there are `k`: rare cases must exist at any scale."""
    missing = k - chosen.size
    pool = np.setdiff1d(candidates, chosen)
    if missing <= 0 or pool.size == 0:
        return chosen
    return np.union1d(chosen, rng.choice(pool, size=min(missing, pool.size), replace=False))
