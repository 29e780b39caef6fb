"""The compiled kernels (diacritics/_kernels.c) give what their NumPy twins give, to the bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from diacritics import decoder, kernels
from diacritics.candidates import printed_key
from diacritics.near import near_key_lists
from diacritics.orthography import strip_marks
from diacritics.restorer import Restorer
from tests.diacritics.test_determinism import LEGACY_DUMP, SEED_LIKE

pytestmark = pytest.mark.skipif(
    kernels.COMPILED is None,
    reason="compiled kernels not built here (python setup.py build_ext --inplace)",
)

CLEAN = """Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;
Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện phong trào thi đua như sau:
- Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính;
- Bảo đảm trật tự, an toàn xã hội; tạo nền tảng vững chắc cho phát triển."""


def _texts(shared: Path | None = None) -> list[str]:
    texts = [LEGACY_DUMP, SEED_LIKE, strip_marks(CLEAN), CLEAN.lower()]
    if shared is not None:
        texts += [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]
    return texts


def _restored(texts: list[str]) -> list[tuple[str, list[tuple[int, int, str, float]]]]:
    restorer = Restorer()
    out = []
    for text in texts:
        result = restorer.restore(text)
        out.append((result.text, [(t.start, t.end, t.text, t.confidence) for t in result.tokens]))
    return out


def _both_ways(monkeypatch: pytest.MonkeyPatch, texts: list[str]) -> tuple[list, list]:
    compiled = _restored(texts)
    with monkeypatch.context() as m:
        m.setattr(kernels, "COMPILED", None)
        plain = _restored(texts)
    return compiled, plain


def test_restoring_gives_the_same_with_and_without_the_compiled_kernels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled, plain = _both_ways(monkeypatch, _texts())
    assert compiled == plain


@pytest.mark.slow
def test_the_seeds_restore_the_same_with_and_without_the_compiled_kernels(
    monkeypatch: pytest.MonkeyPatch, shared_dir: Path
) -> None:
    compiled, plain = _both_ways(monkeypatch, _texts(shared_dir))
    assert compiled == plain


def _lattices(texts: list[str]) -> tuple[Restorer, list[list[np.ndarray]], list[list[np.ndarray]]]:
    restorer = Restorer()
    lattices, costs = [], []
    for text in texts:
        garbled = restorer.looks_garbled(text)
        for line in text.split("\n"):
            prepared = restorer.prepare(line, garbled=garbled)
            if prepared is not None:
                lattices.append(prepared.lattice)
                costs.append(prepared.costs)
    return restorer, lattices, costs


def test_the_decoders_scores_pruning_and_paths_are_the_same_floats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    restorer, lattices, costs = _lattices(_texts())
    lm = restorer.lm
    bos, eos = np.asarray([lm.bos], np.uint64), np.asarray([lm.eos], np.uint64)
    one = np.zeros(1, np.float32)
    ids = [bos, bos, *(a for lattice in lattices for a in lattice), eos]
    chan = [one, one, *(c for line in costs for c in line), one]
    compiled = (
        decoder.line_scores(lm, ids, chan),
        decoder.prune(lm, ids, chan, decoder.PRUNE_KEEP),
        decoder.viterbi_lines(lm, lattices, costs),
    )
    with monkeypatch.context() as m:
        m.setattr(kernels, "COMPILED", None)
        plain = (
            decoder.line_scores(lm, ids, chan),
            decoder.prune(lm, ids, chan, decoder.PRUNE_KEEP),
            decoder.viterbi_lines(lm, lattices, costs),
        )
    assert compiled[0].dtype == plain[0].dtype == np.float32
    assert np.array_equal(compiled[0], plain[0])  # bit for bit (no NaN in scores)
    assert compiled[1].keys() == plain[1].keys()
    assert all(np.array_equal(compiled[1][p], plain[1][p]) for p in plain[1])
    assert compiled[2] == plain[2]


def test_the_channel_distances_are_the_same_floats(monkeypatch: pytest.MonkeyPatch) -> None:
    restorer = Restorer()
    channel, lm = restorer.generator.channel, restorer.lm
    tokens = sorted({w.lower() for text in _texts() for w in text.split() if w.isalnum()})
    ids = np.arange(min(len(lm.words), 3000), dtype=np.int64)
    items = [(token, ids) for token in tokens]
    compiled = channel.distances_many(items)
    with monkeypatch.context() as m:
        m.setattr(kernels, "COMPILED", None)
        plain = channel.distances_many(items)
    assert all(np.array_equal(a, b) for a, b in zip(compiled, plain, strict=True))


def test_the_near_key_lists_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = Restorer().generator
    keys = sorted({printed_key(w) for text in _texts() for w in text.split()} - {""})
    requests = [(k, 40) for k in keys] + [(k, 12) for k in keys]
    readings = {k: generator.channel.key_variants(k) for k in keys}
    compiled = near_key_lists(generator.inventory, requests, readings)
    with monkeypatch.context() as m:
        m.setattr(kernels, "COMPILED", None)
        plain = near_key_lists(generator.inventory, requests, readings)
    assert compiled == plain
    assert any(len(readings[k]) > 1 for k in keys)  # keys with digits read as letters too


def test_the_compiled_pruning_keeps_what_numpy_keeps_with_repeated_and_common_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Positions of more than ``PRUNE_KEEP`` candidates with a word twice (every pair looked
    up through the bitmap) and with the commonest words (many stored bigrams: the bitmap) beside
    rare ones (few: the scan of their run of the bigram table)."""
    lm = Restorer().lm
    common = [lm.word_id(w) for w in ("của", "và", "các", "tỉnh", "năm", "được", "có", "theo")]
    rare = sorted(range(len(lm.words)), key=lambda i: lm.uni_logp[i])[:12]
    rng = np.random.default_rng(7)
    positions = [common + rare[:6], [*rare[6:], common[0], common[0], *common[1:5]], common[:3]]
    positions += [rare[:10] + common[5:], [rare[3]] * 9 + common[:2]]
    ids = [np.asarray([lm.bos], np.uint64)] * 2 + [np.asarray(p, np.uint64) for p in positions]
    ids.append(np.asarray([lm.eos], np.uint64))
    chan = [rng.uniform(0, 4, len(a)).astype(np.float32) for a in ids]
    lattices, costs = [ids[2:-1]], [chan[2:-1]]
    compiled = decoder.viterbi_lines(lm, lattices, costs)
    sizes, flat, kept = decoder._pruned_scores(lm, list(ids), list(chan))
    with monkeypatch.context() as m:
        m.setattr(kernels, "COMPILED", None)
        plain = decoder.viterbi_lines(lm, lattices, costs)
        p_sizes, p_flat, p_kept = decoder._pruned_scores(lm, list(ids), list(chan))
    assert compiled == plain
    assert np.array_equal(sizes, p_sizes) and np.array_equal(flat, p_flat)
    offsets = np.cumsum(sizes) - sizes
    for t, k in p_kept.items():
        assert np.array_equal(kept[offsets[t] : offsets[t] + sizes[t]], k)
    assert len(p_kept) >= 3
