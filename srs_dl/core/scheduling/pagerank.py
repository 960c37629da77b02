"""Weighted PageRank over the notes' link graph, as the plugin computes it.

Matches `OsrNoteGraph.processLinks` and `OsrNoteGraph.generatePageRanks`
(src/scheduling/algorithms/osr/osr-note-graph.ts, plugin v1.15.4), which feed
the npm package pagerank.js 1.0.2 (`link(source, target, weight)` then
`rank(0.85, 0.000001, callback)`, lib/index.js) and scale each rank by 10,000:

- a node is a note that links, with at least one resolved link, or is linked to;
  a note with no links either way is not in the graph;
- an edge's weight is the number of links from the source to the target
  (Obsidian's `resolvedLinks` count), each source's weights normalised to sum 1;
- a note that links nowhere (a dangling node) hands its rank to every node
  equally, and every node gets the teleport share (1 - alpha) / n;
- the iteration starts from 1 / n each and runs while the L1 change of the last
  step exceeds `epsilon`, so the ranks sum to 1 (10,000 once scaled).

Pure: plain mappings in, a dict out.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TypeVar

N = TypeVar("N", bound=Hashable)

#: `generatePageRanks`: rank(0.85, 0.000001, ...) and rank * 10000.
ALPHA = 0.85
EPSILON = 1e-6
SCALE = 10_000.0
#: The plugin iterates until it converges; this only stops a loop that could not
#: (it never binds for alpha < 1: each step shrinks the change by alpha at least).
MAX_ITERATIONS = 10_000


def pagerank(
    links: Mapping[N, Mapping[N, float]],
    *,
    alpha: float = ALPHA,
    epsilon: float = EPSILON,
    scale: float = SCALE,
    max_iterations: int = MAX_ITERATIONS,
) -> dict[N, float]:
    """Each node's PageRank times `scale`, as `generatePageRanks` leaves them.

    `links` maps a source note to {target note: link count}; a self-link is an
    edge like any other, as the plugin passes it on. Sources with an empty
    mapping are not nodes. Raises ValueError for a negative or non-finite count
    or parameters outside alpha in [0, 1), epsilon > 0.
    """
    if not 0.0 <= alpha < 1.0:
        raise ValueError(f"alpha must be in [0, 1), not {alpha!r}")
    if not epsilon > 0.0:
        raise ValueError(f"epsilon must be positive, not {epsilon!r}")
    index: dict[N, int] = {}
    src: list[int] = []
    dst: list[int] = []
    counts: list[float] = []
    for source, targets in links.items():
        if not targets:
            continue
        s = index.setdefault(source, len(index))
        src.extend([s] * len(targets))
        dst.extend([index.setdefault(t, len(index)) for t in targets])
        counts.extend(targets.values())
    n = len(index)
    if n == 0:
        return {}
    for i, w in enumerate(counts):
        if not (math.isfinite(w) and w >= 0.0):
            names = list(index)
            raise ValueError(
                f"link count {names[src[i]]!r} -> {names[dst[i]]!r} must be >= 0, not {w!r}"
            )
    outbound = [0.0] * n
    for s, w in zip(src, counts, strict=True):
        outbound[s] += w
    # Each edge's share of its source's rank; a dangling source has none.
    edges = [
        (s, d, w / outbound[s])
        for s, d, w in zip(src, dst, counts, strict=True)
        if outbound[s] > 0.0
    ]
    dangling = [i for i in range(n) if outbound[i] == 0.0]
    inverse = 1.0 / n
    rank = [inverse] * n
    delta = 1.0
    steps = 0
    while delta > epsilon and steps < max_iterations:
        leak = alpha * sum([rank[i] for i in dangling])
        scaled = [alpha * r for r in rank]
        new = [0.0] * n
        for s, d, share in edges:
            # (alpha * rank) * share: the package's order of operations, so its
            # documented example comes out digit for digit.
            new[d] += scaled[s] * share
        base = (1.0 - alpha) * inverse + leak * inverse
        new = [x + base for x in new]
        delta = sum([abs(a - b) for a, b in zip(new, rank, strict=True)])
        rank = new
        steps += 1
    return {node: rank[i] * scale for node, i in index.items()}


__all__ = ["ALPHA", "EPSILON", "SCALE", "pagerank"]
