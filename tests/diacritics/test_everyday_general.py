from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from diacritics.training.debian_general import write_counts
from diacritics.training.everyday_general import (
    WORD_LIST_PAIR,
    dictionary_counts,
    dictionary_lines,
)
from diacritics.training.general import load_generals


def _dictionary(tmp_path: Path) -> Path:
    entries = {
        "canh": [{"definition": "món ăn có nhiều nước", "example": "nấu canh chua ~ canh chua cá"}],
        "cá": [{"definition": "động vật sống dưới nước", "example": "canh chua cá lóc"}],
    }
    (tmp_path / "dictionary.json").write_text(json.dumps(entries), encoding="utf-8")
    (tmp_path / "Viet74K.txt").write_text("sầu riêng\nrau muống xào\ncá\n", encoding="utf-8")
    return tmp_path


def test_dictionary_prose_and_word_list_give_everyday_pairs(tmp_path: Path) -> None:
    data = _dictionary(tmp_path)
    # definitions and each "~"-separated example, entries in a fixed order
    assert list(dictionary_lines(data)) == [
        "món ăn có nhiều nước",
        "nấu canh chua ",
        " canh chua cá",
        "động vật sống dưới nước",
        "canh chua cá lóc",
    ]
    unigrams, bigrams = dictionary_counts(data)
    assert unigrams["canh"] == 3 and unigrams["nước"] == 2
    assert bigrams["canh", "chua"] == 3 and bigrams["chua", "cá"] == 2
    assert ("cá", "lóc") not in bigrams  # prose pairs seen once are left out
    # a listed word is a pair, however rare its use
    assert bigrams["sầu", "riêng"] == WORD_LIST_PAIR and bigrams["muống", "xào"] == WORD_LIST_PAIR


def test_several_count_files_are_summed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    write_counts(first, Counter({"canh": 2, "chua": 1}), Counter({("canh", "chua"): 2}))
    write_counts(second, Counter({"canh": 5}), Counter())
    unigrams, bigrams = load_generals([first, second])
    assert unigrams == {"canh": 7, "chua": 1} and bigrams == {("canh", "chua"): 2}


def test_words_only_general_text_knows_are_no_reading_of_ocr_garble() -> None:
    from diacritics.training.general import mix
    from diacritics.training.train import train

    arrays = train(
        [["căn", "cứ", "luật"], ["căn", "cứ", "nghị", "định"], ["ủy", "ban", "tỉnh"]] * 3
    )
    general = ({"căn": 9, "cứ": 9, "vịt": 9}, {("căn", "cứ"): 9, ("cứ", "vịt"): 3})
    mixed = mix(arrays, *general, legal_tokens=30)
    vocab = str(mixed["vocab"]).split("\n")
    # the new words come last, after the legal vocabulary, whose prior stays the legal unigram
    assert vocab.index("vịt") >= int(mixed["legal_vocab_size"]) > vocab.index("cứ")
    assert mixed["prior_logp"][vocab.index("cứ")] == arrays["uni_logp"][vocab.index("cứ")]


def test_the_shipped_model_reads_garble_as_legal_text_and_bare_prose_as_everyday() -> None:
    from diacritics.restorer import Restorer

    restorer = Restorer()
    lm = restorer.generator.lm
    assert lm.legal_size < len(lm.words)  # the general counts brought words of their own
    garbled = restorer.generator.candidates("cit", True, True)
    # "Căn cit" of a legacy dump is "Căn cứ": OCR garble is legal text, read with legal words
    # only (the dictionary's "cật", "cữ" crowded "cứ" out of the 24 candidates)
    assert "cứ" in garbled.forms and all(i < lm.legal_size for i in garbled.ids.tolist())
    # bare text gets the everyday words too: "lau" may be "lẩu", "xao" "xào"
    assert "lẩu" in restorer.generator.candidates("lau", True, False).forms
    assert lm.index["lẩu"] >= lm.legal_size
    text = restorer.restore("me toi nau noi canh chua ca loc, them it rau muong").text
    assert text == "mẹ tôi nấu nồi canh chua cá lóc, thêm ít rau muống"


def test_a_trigram_context_general_text_never_saw_keeps_its_legal_continuations() -> None:
    import numpy as np

    from diacritics.training.general import mix
    from diacritics.training.train import train

    arrays = train([["số", "2447", "bộ", "ttg"], ["bộ", "trưởng", "bộ", "y", "tế"]] * 3)
    general = ({"bộ": 50, "phận": 30, "y": 5}, {("bộ", "phận"): 30, ("bộ", "y"): 5})
    mixed = mix(arrays, *general, legal_tokens=27)
    legal = np.cumsum(arrays["tri_keys_delta"], dtype=np.uint64)
    keys = np.cumsum(mixed["tri_keys_delta"], dtype=np.uint64)
    assert np.array_equal(legal, keys)
    contexts = keys >> np.uint64(16)
    vocab = str(mixed["vocab"]).split("\n")
    pair = (vocab.index("trưởng") << 16) | vocab.index("bộ")  # general text never saw it
    kept = contexts == np.uint64(pair)
    assert kept.any() and np.array_equal(mixed["tri_logp"][kept], arrays["tri_logp"][kept])
    # a context general text saw ("bộ y") is mixed with it
    mixed_context = contexts == np.uint64((vocab.index("bộ") << 16) | vocab.index("y"))
    assert not np.array_equal(mixed["tri_logp"][mixed_context], arrays["tri_logp"][mixed_context])
