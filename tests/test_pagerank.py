"""PageRank over the link graph, as the plugin computes it (pagerank.js through
`OsrNoteGraph.generatePageRanks`): known graphs worked out by hand, and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs_dl.core.scheduling.pagerank import ALPHA, SCALE, pagerank

A = ALPHA  # 0.85
TIGHT = 1e-13  # epsilon for comparisons with closed forms


def unit(ranks: dict[str, float]) -> dict[str, float]:
    return {k: v / SCALE for k, v in ranks.items()}


def test_the_packages_documented_example() -> None:
    # pagerank.js 1.0.2's README: link(1, 2, 1.0) ... rank(0.85, 0.000001) prints these.
    ranks = unit(pagerank({1: {2: 1.0, 3: 2.0}, 2: {3: 3.0, 4: 4.0}, 3: {1: 5.0}}))
    assert ranks == pytest.approx(
        {
            1: 0.34983779905464363,
            2: 0.1688733284604475,
            3: 0.3295121849483849,
            4: 0.15177668753652385,
        },
        rel=1e-14,
    )


def test_scaled_by_10000_as_the_plugin_stores_them() -> None:
    ranks = pagerank({"a": {"b": 1}, "b": {"a": 1}})
    assert ranks == {"a": 5000.0, "b": 5000.0}
    assert pagerank({"a": {"b": 1}, "b": {"a": 1}}, scale=1.0) == {"a": 0.5, "b": 0.5}


@pytest.mark.parametrize("count", [1, 3])
def test_a_cycle_ranks_every_note_equally(count: int) -> None:
    # Whatever the link counts, one way round gives each note the same share.
    ranks = pagerank({"a": {"b": count}, "b": {"c": 1}, "c": {"d": 2}, "d": {"a": 1}})
    assert ranks == pytest.approx(dict.fromkeys("abcd", SCALE / 4), rel=1e-15)


def test_a_star_of_notes_linking_to_a_hub() -> None:
    # k leaves link to the hub, which links nowhere (dangling: its rank leaks to all).
    # Leaf: r_l = (1 - a)/n + a r_h / n with r_h = 1 - k r_l  =>  r_l = 1 / (n + a k).
    k, n = 3, 4
    leaf = 1 / (n + A * k)  # 0.152672
    ranks = unit(pagerank({f"l{i}": {"hub": 1} for i in range(k)}, epsilon=TIGHT))
    assert ranks["hub"] == pytest.approx(1 - k * leaf, abs=1e-12)  # 0.541985
    for i in range(k):
        assert ranks[f"l{i}"] == pytest.approx(leaf, abs=1e-12)


def test_a_hub_linking_to_dangling_notes() -> None:
    # The hub links to k notes that link nowhere: r_h = (1 - a)/n + a (1 - r_h)/n
    # =>  r_h = 1 / (n + a); the leaves share the rest.
    k, n = 3, 4
    hub = 1 / (n + A)
    ranks = unit(pagerank({"hub": {f"l{i}": 1 for i in range(k)}}, epsilon=TIGHT))
    assert ranks["hub"] == pytest.approx(hub, abs=1e-12)  # 0.206186
    assert ranks["l0"] == pytest.approx((1 - hub) / k, abs=1e-12)  # 0.264605


def test_one_link_to_a_dangling_note() -> None:
    # a -> b: r_a = 1 / (2 + a) = 0.350877, r_b = 0.649123; the plugin stops once a step
    # changes the ranks by 1e-6 or less (L1), a few units of 1e-6 from the limit.
    exact = {"a": 1 / (2 + A), "b": 1 - 1 / (2 + A)}
    assert unit(pagerank({"a": {"b": 1}}, epsilon=TIGHT)) == pytest.approx(exact, abs=1e-12)
    loose = unit(pagerank({"a": {"b": 1}}))
    assert loose == pytest.approx(exact, abs=1e-5)
    assert loose != pytest.approx(exact, abs=1e-12)  # the plugin's own stopping point


def test_link_counts_weigh_the_edges() -> None:
    # a links b twice and c once; b and c link back to a.
    # r_a = (1 - a)/3 + a (1 - r_a)  =>  r_a = 0.9 / 1.85;  r_b = 0.05 + a (2/3) r_a, ...
    r_a = 0.9 / 1.85
    ranks = unit(pagerank({"a": {"b": 2, "c": 1}, "b": {"a": 1}, "c": {"a": 1}}, epsilon=TIGHT))
    assert ranks == pytest.approx(
        {"a": r_a, "b": 0.05 + A * 2 / 3 * r_a, "c": 0.05 + A / 3 * r_a}, abs=1e-12
    )
    assert ranks["b"] > ranks["c"]


def test_which_notes_are_in_the_graph() -> None:
    # As pagerank.js: only link ends are nodes, so a note without links has no rank.
    ranks = pagerank({"lonely": {}, "a": {"a": 2}})
    assert ranks == {"a": SCALE}  # a self-link is an edge like any other
    assert pagerank({}) == {}
    assert set(pagerank({"a": {"b": 1}, "c": {"b": 0}})) == {"a", "b", "c"}


def test_bad_parameters_and_counts() -> None:
    with pytest.raises(ValueError, match="alpha"):
        pagerank({"a": {"b": 1}}, alpha=1.0)
    with pytest.raises(ValueError, match="epsilon"):
        pagerank({"a": {"b": 1}}, epsilon=0.0)
    with pytest.raises(ValueError, match="'a' -> 'c' must be >= 0, not -1"):
        pagerank({"a": {"b": 1, "c": -1}})
    with pytest.raises(ValueError, match="not nan"):
        pagerank({"a": {"b": float("nan")}})


def reference(links: dict[int, dict[int, int]]) -> dict[int, float]:
    """The limit the iteration converges to, by a dense linear solve: the random
    surfer follows a link in proportion to its count, leaves a dangling note to any
    note, and jumps anywhere with probability 1 - alpha."""
    nodes = sorted({s for s, t in links.items() if t} | {d for t in links.values() for d in t})
    pos = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    m = np.zeros((n, n))
    for s, targets in links.items():
        for d, c in targets.items():
            m[pos[d], pos[s]] += c
    out = m.sum(axis=0)
    m[:, out > 0] /= out[out > 0]
    m[:, out == 0] = 1.0 / n
    r = np.linalg.solve(np.eye(n) - A * m, np.full(n, (1 - A) / n))
    return {v: float(r[pos[v]]) for v in nodes}


graphs = st.dictionaries(
    st.integers(0, 11),
    st.dictionaries(st.integers(0, 11), st.integers(1, 5), max_size=5),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_ranks_are_positive_sum_to_10000_and_reach_the_limit(links) -> None:
    ranks = pagerank(links)
    nodes = {s for s, t in links.items() if t} | {d for t in links.values() for d in t}
    assert set(ranks) == nodes
    if not nodes:
        return
    assert all(r > 0 for r in ranks.values())
    assert sum(ranks.values()) == pytest.approx(SCALE, rel=1e-12)
    exact = reference(links)
    # Stopped at an L1 step of 1e-6, the error is below 1e-6 * a / (1 - a) in all.
    assert sum(abs(ranks[v] / SCALE - exact[v]) for v in nodes) <= 1e-6 * A / (1 - A)
    tight = pagerank(links, epsilon=TIGHT)
    assert unit(tight) == pytest.approx(exact, abs=1e-11)


@settings(max_examples=100, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_renaming_notes_changes_no_rank(links, rnd) -> None:
    labels = list(range(12))
    rnd.shuffle(labels)
    renamed = {labels[s]: {labels[d]: c for d, c in t.items()} for s, t in links.items()}
    ranks, again = pagerank(links, epsilon=TIGHT), pagerank(renamed, epsilon=TIGHT)
    assert {labels[v]: r for v, r in ranks.items()} == pytest.approx(again, rel=1e-9)
