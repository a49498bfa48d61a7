"""t-SNE maps and their colours: planted clusters must come out separated."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading

import numpy as np
import pytest

from w2v_gui.core.pictures.clusters import frequency_bands, kmeans
from w2v_gui.core.pictures.tsne import tsne, tsne_steps
from w2v_gui.core.vocab import Cancelled

# Not importorskip: importing openTSNE here would load its OpenMP library before tsne()
# sets the passive wait policy.
needs_opentsne = pytest.mark.skipif(
    importlib.util.find_spec("openTSNE") is None, reason="openTSNE is not installed"
)


def planted(n_per: int, k: int, d: int = 50, spread: float = 0.35, seed: int = 1):
    """``k`` clusters of ``n_per`` unit vectors around random unit centres."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.repeat(np.arange(k), n_per)
    x = centres[labels] + spread * rng.standard_normal((k * n_per, d)) / np.sqrt(d)
    return x.astype(np.float32), labels


def neighbour_purity(xy: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Share of each point's ``k`` nearest points in the plane that carry its label."""
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    near = np.argsort(d2, axis=1)[:, :k]
    return float((labels[near] == labels[:, None]).mean())


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two labellings group the rows the same way (up to renaming)."""
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.slow
@needs_opentsne
def test_tsne_separates_planted_clusters_better_than_chance():
    x, labels = planted(60, 6)
    steps = []
    xy = tsne(x, seed=0, progress=lambda done, total: steps.append((done, total)))
    assert xy.shape == (len(x), 2) and np.isfinite(xy).all()
    # Chance would be 1/6; the clusters are far apart in 50-D, so the plane keeps them.
    assert neighbour_purity(xy, labels) > 0.95
    assert steps[0] == (0, tsne_steps()) and steps[-1] == (tsne_steps(), tsne_steps())
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    np.testing.assert_array_equal(xy, tsne(x, seed=0))  # same seed, same picture


@needs_opentsne
@pytest.mark.slow
def test_tsne_with_approximate_neighbours_and_fft(monkeypatch):
    # 1,000 words and more take Annoy's approximate neighbours; the FFT gradient (from
    # 10,000 words) is forced here on fewer, to test that path in seconds.
    monkeypatch.setattr("w2v_gui.core.pictures.tsne.FFT_FROM", 1000)
    x, labels = planted(125, 8)
    xy = tsne(x, seed=3)
    assert neighbour_purity(xy, labels) > 0.9


@needs_opentsne
def test_tsne_stops_when_asked():
    x, _ = planted(60, 6)
    stop = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done >= 300:
            stop.set()

    with pytest.raises(Cancelled):
        tsne(x, progress=progress, stop=stop)
    assert max(seen) < 300 + 20  # at the next report, not at the end


def test_tsne_refuses_too_few_words():
    with pytest.raises(ValueError, match="at least"):
        tsne(np.ones((3, 4)))


def test_kmeans_recovers_planted_clusters():
    x, labels = planted(200, 7, spread=0.6)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))  # not in cluster order
    found, centres = kmeans(x[order], 7, seed=0)
    assert centres.shape == (7, x.shape[1])
    assert same_partition(found, labels[order])
    again, _ = kmeans(x[order], 7, seed=0)
    np.testing.assert_array_equal(found, again)


def test_kmeans_with_more_groups_than_distinct_rows():
    x = np.repeat(np.eye(3, dtype=np.float32), 4, axis=0)
    found, centres = kmeans(x, 10)
    assert len(centres) == 3 and same_partition(found, np.repeat(np.arange(3), 4))


def test_frequency_bands_by_count_rank():
    counts = np.array([5, 100, 1, 50, 7])  # ranks 3, 0, 4, 1, 2
    bands, names = frequency_bands(counts, np.arange(5), edges=(1, 3))
    np.testing.assert_array_equal(bands, [2, 0, 2, 1, 1])
    assert names == ("1–1", "2–3", "after 3")
    # Without counts, the file's row order is the rank.
    bands, _ = frequency_bands(np.zeros(5), np.array([4, 0]), edges=(1, 3))
    np.testing.assert_array_equal(bands, [2, 0])


def test_importing_the_core_does_not_load_opentsne():
    # openTSNE pulls scikit-learn (~1 s to import): only a t-SNE asked for may load it.
    code = (
        "import sys, w2v_gui.core.pictures.tsne, w2v_gui.core.pictures.clusters\n"
        "assert not {'openTSNE', 'sklearn'} & set(sys.modules), sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
