"""``restore(text)``: per line, tokens classified, the lattice decoded, casing put back."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path

import numpy as np

from diacritics.candidates import Candidates, Generator, Inventory, printed_key
from diacritics.channel import Channel
from diacritics.decoder import PRUNE_KEEP, viterbi, viterbi_lines
from diacritics.lattice import Lattice, Plan, match_case, render_line
from diacritics.lm import TrigramLM
from diacritics.orthography import (
    has_marks,
    is_key_shape,
    is_syllable,
    normalize_tones,
    strip_marks,
)
from diacritics.pieces import (
    CODE,
    OPTION,
    PLACEHOLDER,
    WORD_DIGITS,
    Piece,
    continues,
    full_width,
    lower_abbreviation,
    merge_split,
    split_word_digits,
    words,
)
from diacritics.rescore import rescore
from kehoach import MODELS_DIR as MODEL_DIR
from schemas.restore import RestoredToken, RestoreResult

LM_FILE = MODEL_DIR / "syllable_lm.npz"
CHANNEL_FILE = MODEL_DIR / "ocr_channel.json"
EDGE_PUNCT = " \t.,;:!?\"“”‘’'`()[]«»…–—-*/<>|"
_CHUNK = re.compile(r"\S+")
_ROMAN = re.compile(r"^[IVXLC]+$")
_NUMBER = re.compile(r"^[\d.,:/%+-]*\d[\d.,:/%+-]*$")
_ADDRESS = re.compile(r"\w@[\w-]+\.\w|://|^www\.|\w\.(vn|com|org|net|gov)\b", re.IGNORECASE)
ABBREVIATION = "<abbreviation>"
_VOWEL = re.compile(r"[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
_WORDLIKE_NUMBER = re.compile(r"^\d{1,2}$")
_DOTTED = re.compile(r"[^\W\d_][.:][^\W\d_]")
CHUNK_CACHE = 200_000
BATCH_TRIPLES = 500_000
"""Candidate triples scored per batch of lines, at most ``PRUNE_KEEP`` candidates a position
(the trigram pass scores no more): bounds memory (~100 bytes a triple). Counted before the
pruning (24³ a window of OCR garble) it cut a page into ~4 batches, each with its kernels'
set-up; lines decode alike in any batch."""
CLEAN_INVALID_SHARE = 0.03
GARBLED_SHARE = 0.05
MIN_GARBLED = 2
_GARBLE = re.compile(r"\d[^\W\d_]|[^\W\d_]\d|[&¢€}{]")
CLEAN_UNMARKED_SHARE = 0.55
MIN_JOINED = 5
_LIST_ITEM = re.compile(r"^\s*([a-zA-Z])[).]\s")
"""A lettered list item ("a) ...", "d. ..."): Vietnamese lists run a, b, c, d, đ, e."""
MAX_SYLLABLE = 7


class Restorer:
    """The loaded models: language model, inventory, channel, candidate cache."""

    def __init__(self, lm_path: Path = LM_FILE, channel_path: Path = CHANNEL_FILE) -> None:
        self.lm = default_lm() if lm_path == LM_FILE else TrigramLM(lm_path)
        self.generator = Generator(Inventory(self.lm), Channel.load(channel_path))
        self._chunks: dict[str, tuple[Piece, ...]] = {}
        self._garble_verdicts: dict[str, bool] = {}
        self._clean_verdicts: dict[str, tuple[bool, bool]] = {}
        self._fixed: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._abbreviations: dict[str, Candidates] = {}

    def classify(self, core: str) -> str | None:
        """The fixed LM token of a core that must not change, or None for a word to restore."""
        if _NUMBER.match(core):
            return "<num>"
        if _ADDRESS.search(core):
            return "<unk>"
        lower = core.lower()
        if not core.isalpha():
            return None
        if core.isupper() and _ROMAN.match(core):
            return lower if lower in self.lm.index else "<unk>"
        if not _VOWEL.search(lower) and sum(c.isupper() for c in core) >= 2:
            if lower in self.lm.index and has_marks(lower):
                return lower  # "QĐ", "HĐND" already right
            return ABBREVIATION
        shaped = is_key_shape(strip_marks(lower))
        if not shaped and any(c.isupper() for c in core[1:]) and lower in self.lm.index:
            return lower  # an abbreviation the corpus knows (UBND, LLVT, TTg)
        return None

    def chunk_pieces(self, text: str) -> tuple[Piece, ...]:
        """Pieces of one whitespace-free chunk, offsets relative to it; cached per chunk text."""
        found = self._chunks.get(text)
        if found is None:
            found = tuple(self._chunk_pieces(text))
            if len(self._chunks) < CHUNK_CACHE:
                self._chunks[text] = found
        return found

    def _chunk_pieces(self, text: str) -> list[Piece]:
        option = OPTION.match(text)
        if option:  # "--arg-file=tập-tin": the option stays, the value is a word
            rest = [
                p._replace(start=p.start + option.end(), end=p.end + option.end())
                for p in self._chunk_pieces(text[option.end() :])
            ]
            return [Piece(0, option.end(), option.group(0), "<unk>", 0), *rest]
        left = len(text) - len(text.lstrip(EDGE_PUNCT))
        core = text.strip(EDGE_PUNCT)
        if not core:
            return []
        if _ADDRESS.search(core) or PLACEHOLDER.search(core) or self._is_code(core):
            return [Piece(left, left + len(core), core, "<unk>", 0)]
        if _NUMBER.match(core):
            # "16 trách nhiệm": a bare short number may be a garbled word; "1." never is
            word_like = _WORDLIKE_NUMBER.match(text) is not None
            return [Piece(left, left + len(core), core, None if word_like else "<num>", 0)]
        out = []
        for whole, whole_start, lost_space in words(core, left):
            for n, (word, start) in enumerate(self._unjoin(whole, whole_start)):
                kind = self.classify(word)
                spaced = lost_space if n == 0 else True
                if kind == ABBREVIATION:
                    out.append(Piece(start, start + len(word), word, None, 0, True, spaced))
                elif (
                    kind is not None or any(ch.isalnum() for ch in word) or self._letter_like(word)
                ):
                    out.append(Piece(start, start + len(word), word, kind, 0, False, spaced))
        return out

    def _is_code(self, core: str) -> bool:
        """A code such as "QH15" (OCR: "QHI5"): capitals and digits that read as no syllable
        even with the digits taken for the letters OCR mistakes them for ("HO6" is "HỒ"), and
        not a Roman numeral mixed with digits ("II1")."""
        if CODE.match(core) is None or set(core) <= set("IVXLC0123456789"):
            return False
        variants = self.generator.channel.key_variants(printed_key(core))
        return not any(v.isalpha() and is_key_shape(v) for v in variants)

    def _unjoin(self, word: str, start: int) -> list[tuple[str, int]]:
        """A word OCR printed without its spaces ("vanphong") cut into syllables; else itself.

        Only a word no syllable is near (within two edits) is cut, into the syllable keys whose
        commonest forms are likeliest together.
        """
        if len(word) < MIN_JOINED:
            return [(word, start)]  # most words: too short to hold two syllables
        key = printed_key(word)
        inventory = self.generator.inventory
        if (
            len(key) != len(word)
            or not key.isalpha()
            or not (word.islower() or word.isupper() or word[1:].islower())  # "bảnVăn": markup
            or is_key_shape(key)
            or word.lower() in self.lm.index
            or inventory.has_near(key)
        ):
            return [(word, start)]
        # best[i]: (log10 weight, cut points) of the likeliest cutting of key[:i]
        best: list[tuple[float, tuple[int, ...]] | None] = [None] * (len(key) + 1)
        best[0] = (0.0, ())
        for end in range(2, len(key) + 1):
            for begin in range(max(0, end - MAX_SYLLABLE), end - 1):
                before, forms = best[begin], inventory.forms(key[begin:end])
                if before is None or not forms or not is_key_shape(key[begin:end]):
                    continue
                score = before[0] + float(self.lm.uni_logp[forms[0]])
                if best[end] is None or score > best[end][0]:  # type: ignore[index]
                    best[end] = (score, (*before[1], end))
        found = best[-1]
        if found is None or len(found[1]) < 2:
            return [(word, start)]
        cuts = (0, *found[1])
        return [(word[a:b], start + a) for a, b in zip(cuts, cuts[1:], strict=False)]

    def _letter_like(self, word: str) -> bool:
        """A lone symbol OCR is known to print for a letter ("&" for "ở", "¢" for "ệ")."""
        if len(word) != 1 or word not in self.generator.channel.letters_for:
            return False
        return unicodedata.category(word) in ("Sc", "Sm", "So") or word in "&@"

    def pieces(self, line: str) -> list[Piece]:
        """Words of a line with edge punctuation cut off, each classified."""
        out: list[Piece] = []
        new = tuple.__new__  # a Piece without the namedtuple's Python-level __new__: per word
        cached = self._chunks.get
        for n, chunk in enumerate(_CHUNK.finditer(line)):
            base = chunk.start()
            text = chunk.group(0)
            found = cached(text)
            for start, end, word, fixed, _, abbreviation, spaced in (
                self.chunk_pieces(text) if found is None else found
            ):
                out.append(
                    new(Piece, (base + start, base + end, word, fixed, n, abbreviation, spaced))
                )
        return merge_split(line, out)

    def restore_line(
        self,
        line: str,
        index: int,
        keep: set[int] | frozenset[int] = frozenset(),
        garbled: bool = False,
    ) -> tuple[str, list[RestoredToken]]:
        """Restore one line; chunks (whitespace-separated) listed in ``keep`` stay as they are.

        ``garbled`` says the text around is OCR garble, so bare valid words are doubted too.
        """
        prepared = self.prepare(line, keep, garbled)
        if prepared is None:
            return line, []
        best, confidence = viterbi(self.lm, prepared.lattice, prepared.costs)
        return render_line(line, index, prepared, best, confidence)

    def prepare(
        self, line: str, keep: set[int] | frozenset[int] = frozenset(), garbled: bool = False
    ) -> Lattice | None:
        """The pieces of a line and their candidates; None when it has no word."""
        planned = self.plan(line, keep, garbled)
        return None if planned is None else self.lattice(planned, garbled)

    def plan(
        self, line: str, keep: set[int] | frozenset[int] = frozenset(), garbled: bool = False
    ) -> Plan | None:
        """The pieces of a line as they will be decoded, and the candidates each needs."""
        pieces = self.pieces(line)
        if keep:
            pieces = [
                p
                if p.chunk not in keep or p.fixed is not None
                else Piece(p.start, p.end, p.text, _lm_form(p.text, self.lm.index), p.chunk)
                for p in pieces
            ]
        if not pieces:
            return None
        # marks on codes ("QĐ-TTg") say nothing about the words: are those bare?
        stripped = not has_marks(line) or not any(
            has_marks(p.text) for p in pieces if p.fixed is None
        )
        if garbled:  # OCR garble: every word not fixed is decoded, codes and numbers too (one
            # request per piece, in a single pass: most of OCR garble's lines come here)
            return Plan(
                pieces,
                list(pieces),
                [
                    None if fixed is not None or abbreviation else (text.lower(), stripped, garbled)
                    for _, _, text, fixed, _, abbreviation, _ in pieces
                ],
            )
        if not stripped:
            # marked text that is not OCR garble: valid words stay, only the odd ones are decoded
            right = [self._reads_right(p) for p in pieces]
            if all(right):
                return None  # the fast path
            pieces = [
                Piece(p.start, p.end, p.text, _lm_form(p.text, self.lm.index), p.chunk)
                if ok and p.fixed is None
                else p
                for p, ok in zip(pieces, right, strict=True)
            ]
        pieces = [part for piece in pieces for part in split_word_digits(piece)]
        # a code stays a code in the lattice; the line is rendered from the pieces as cut
        decoded = [
            self._as_code(p) if p.fixed is None and not p.text.isalpha() else p for p in pieces
        ]
        requests: list[tuple[str, bool, bool] | None] = []
        for piece in decoded:
            if piece.fixed is not None or piece.abbreviation:
                requests.append(None)
            elif lower_abbreviation(piece.text):
                # lower-case text has no capitals to tell abbreviations: outside OCR garble a
                # word without a vowel ("hdnd", "qd", "mh") only takes its own spelling variants
                requests.append(None)
            else:
                requests.append((piece.text.lower(), stripped, garbled))
        return Plan(pieces, decoded, requests)

    def lattice(self, planned: Plan, garbled: bool) -> Lattice:
        """Candidate ids, channel costs and forms of a planned line's pieces."""
        lattice: list[np.ndarray] = []
        costs: list[np.ndarray] = []
        forms: list[tuple[str, ...]] = []
        for piece, request in zip(planned.decoded, planned.requests, strict=True):
            if piece.fixed is not None:
                ids, zero = self._fixed_arrays(piece.fixed)
                lattice.append(ids)
                costs.append(zero)
                forms.append((piece.text,))
                continue
            if request is None:
                cands = self._abbreviation(piece.text.lower())
            else:
                cands = self.generator.candidates(*request)
            lattice.append(cands.ids)
            costs.append(cands.costs)
            forms.append(cands.forms)
        return Lattice(planned.pieces, lattice, costs, forms)

    def _abbreviation(self, token: str) -> Candidates:
        """``Generator.abbreviation``, cached per token (a document repeats its abbreviations;
        the lists are shared as the generator's cached lists are)."""
        found = self._abbreviations.get(token)
        if found is None:
            found = self.generator.abbreviation(token)
            if len(self._abbreviations) < CHUNK_CACHE:
                self._abbreviations[token] = found
        return found

    def _fixed_arrays(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The one candidate id and zero cost of a fixed LM token, shared as the generator's
        cached candidate arrays are (the decoder only reads and concatenates them): a fixed
        piece is every number, symbol and code of a text, two arrays each."""
        found = self._fixed.get(token)
        if found is None:
            ids = np.asarray([self.lm.word_id(token)], dtype=np.uint64)
            found = (ids, np.zeros(1, dtype=np.float32))
            if len(self._fixed) < CHUNK_CACHE:
                self._fixed[token] = found
        return found

    def _with_dd(self, lattice: Lattice) -> Lattice:
        """The lattice of a list item that stands for "đ)": its letter is "đ" for certain."""
        first = lattice.pieces[0]
        if first.fixed is not None or first.text.lower() != "d":
            return lattice
        dd = np.asarray([self.lm.word_id("đ")], dtype=np.uint64)
        return Lattice(
            lattice.pieces,
            [dd, *lattice.lattice[1:]],
            [np.zeros(1, dtype=np.float32), *lattice.costs[1:]],
            [("đ",), *lattice.forms[1:]],
        )

    def _as_code(self, piece: Piece) -> Piece:
        """Outside OCR garble, a number stays a number and a code ("QH15", "C04") a code; a
        token whose one digit reads as a letter to make a syllable ("T6" → "tô") may still be a
        garbled word."""
        if piece.text.isdigit():
            return piece._replace(fixed="<num>")
        if sum(ch.isdigit() for ch in piece.text) == 1:
            variants = self.generator.channel.key_variants(printed_key(piece.text))
            if any(v.isalpha() and is_key_shape(v) for v in variants):
                return piece
        return piece._replace(fixed=_lm_form(piece.text, self.lm.index))

    def _decode_runs(
        self, lines: list[str], prepared: list[Lattice | None], garbled: bool = False
    ) -> list[tuple[list[int], list[float]]]:
        """Decode every prepared line, a wrapped sentence's lines as one sequence.

        A line that goes on from the one before (no sentence end there, no list item here) is
        decoded after it, so "... văn bản của / Đảng ..." keeps its context across the break;
        the result comes back line by line. Outside OCR garble the positions decoded unsure are
        looked at again with the document's sure words (``diacritics.rescore``).
        """
        runs: list[list[Lattice]] = []
        previous = ""
        full = full_width(lines)
        for line, item in zip(lines, prepared, strict=True):
            if item is None:
                previous = line if line.strip() else ""
                continue
            if runs and len(previous) >= full and continues(previous, line):
                runs[-1].append(item)
            else:
                runs.append([item])
            previous = line
        joined = [
            ([ids for item in run for ids in item.lattice], [c for item in run for c in item.costs])
            for run in runs
        ]
        decoded = self._decode_batches(joined)
        if not garbled:  # the unsure positions looked at again with the document's sure words
            decoded = rescore(self.lm, joined, decoded)
        out: list[tuple[list[int], list[float]]] = []
        for run, (best, confidence) in zip(runs, decoded, strict=True):
            at = 0
            for item in run:
                n = len(item.lattice)
                out.append((best[at : at + n], confidence[at : at + n]))
                at += n
        return out

    def _decode_batches(
        self, todo: list[tuple[list[np.ndarray], list[np.ndarray]]]
    ) -> list[tuple[list[int], list[float]]]:
        """Decode (lattice, costs) sequences in batches of bounded size: one LM lookup per
        batch, memory capped."""
        out: list[tuple[list[int], list[float]]] = []
        batch: list[tuple[list[np.ndarray], list[np.ndarray]]] = []
        triples = 0
        for item in todo:
            # <s> <s> ... </s>: each window's a · b · c, as the pruning leaves them
            sizes = [1, 1, *map(min, map(len, item[0]), repeat(PRUNE_KEEP)), 1]
            triples += sum(map(mul, map(mul, sizes, sizes[1:]), sizes[2:]))
            batch.append(item)
            if triples >= BATCH_TRIPLES:
                out += viterbi_lines(self.lm, [b[0] for b in batch], [b[1] for b in batch])
                batch, triples = [], 0
        if batch:
            out += viterbi_lines(self.lm, [b[0] for b in batch], [b[1] for b in batch])
        return out

    def _reads_right(self, piece: Piece) -> bool:
        """A piece that needs nothing: fixed, or a valid syllable / known word as printed."""
        if piece.fixed is not None:
            return True
        lower = piece.text.lower()
        return is_syllable(lower) or (lower.isalpha() and lower in self.lm.index)

    def looks_garbled(self, text: str) -> bool:
        """True when more than a few words are not Vietnamese at all: OCR garble, not bare text."""
        words = re.findall(r"\S+", text)
        if not words:
            return False
        verdicts = self._garble_verdicts
        bad = 0
        n = len(words)
        for word in words:
            verdict = verdicts.get(word)
            if verdict is None:
                verdict = self._word_garbled(word)
                if len(verdicts) < CHUNK_CACHE:
                    verdicts[word] = verdict
            if verdict:
                bad += 1
                # one odd word ("mh", "byte") does not make a short text OCR garble; the count
                # only grows: true once, true at the end
                if bad >= MIN_GARBLED and bad / n > GARBLED_SHARE:
                    return True
        return False

    def _word_garbled(self, word: str) -> bool:
        """A whitespace-separated word that is not Vietnamese at all (document symbols are)."""
        core = word.strip(EDGE_PUNCT).lower()
        if "/" in core or "|" in core or "_" in core or PLACEHOLDER.search(core):
            return False  # document symbols, table rules, program text
        if _DOTTED.search(core):
            return False  # a program's name of a thing ("t.tin1", "acquire::ftp")
        digits = WORD_DIGITS.match(core)
        if digits and is_key_shape(strip_marks(digits[1])):
            return False  # "số1": a word with a number appended
        return bool(
            not core.isdigit()
            and _GARBLE.search(core)
            or (
                core.isalpha() and not is_key_shape(strip_marks(core)) and core not in self.lm.index
            )
        )

    def looks_clean(self, text: str) -> bool:
        """True when text reads as correct Vietnamese: few invalid and few bare syllables."""
        words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
        if len(words) < 5:
            return False
        invalid = bare = 0
        verdicts = self._clean_verdicts
        n = len(words)
        for word in words:
            verdict = verdicts.get(word)
            if verdict is None:
                # (invalid, bare) of one word
                verdict = (not is_syllable(word) and word not in self.lm.index, not has_marks(word))
                if len(verdicts) < CHUNK_CACHE:
                    verdicts[word] = verdict
            # either count only grows: past its share once, past it at the end (OCR garble is
            # told from clean text within its first few dozen words)
            if verdict[0]:
                invalid += 1
                if invalid / n > CLEAN_INVALID_SHARE:
                    return False
            if verdict[1]:
                bare += 1
                if bare / n > CLEAN_UNMARKED_SHARE:
                    return False
        return True

    def restore(self, text: str, force: bool = False) -> RestoreResult:
        """Restore every line of ``text``; text that already looks correct passes unchanged."""
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if not force and self.looks_clean(text):
            return RestoreResult(text=text, tokens=())
        garbled = self.looks_garbled(text)
        plans = [self.plan(line, garbled=garbled) for line in lines]
        # the document's new words get their channel costs in one batch
        self.generator.prefetch([r for p in plans if p for r in p.requests if r is not None])
        prepared = [None if p is None else self.lattice(p, garbled) for p in plans]
        for i in list_items_dd(lines):
            if prepared[i] is not None:
                prepared[i] = self._with_dd(prepared[i])
        decoded = iter(self._decode_runs(lines, prepared, garbled))
        out_lines, tokens = [], []
        for i, (line, lattice) in enumerate(zip(lines, prepared, strict=True)):
            if lattice is None:
                out_lines.append(line)
                continue
            best, confidence = next(decoded)
            new, line_tokens = render_line(line, i, lattice, best, confidence)
            out_lines.append(new)
            tokens.extend(line_tokens)
        out = "\n".join(out_lines)
        if not unicodedata.is_normalized("NFC", out):  # a stray combining mark met a new letter
            return RestoreResult(text=out, tokens=tuple(tokens))
        return RestoreResult.model_construct(text=out, tokens=tuple(tokens))


def list_items_dd(lines: list[str]) -> list[int]:
    """Lines whose list letter "d" follows an item "d": the item "đ" with its mark lost
    (lists run a, b, c, d, đ, e; a stripped "d)" after "d)" can only be "đ)")."""
    out, previous = [], ""
    for i, line in enumerate(lines):
        item = _LIST_ITEM.match(line)
        if item is None:
            continue
        letter = item.group(1).lower()
        if letter == "d" and previous == "d":
            out.append(i)
            letter = "đ"
        previous = letter
    return out


def _lm_form(text: str, vocab: dict[str, int]) -> str:
    """The LM token of a word kept as printed."""
    lower = normalize_tones(text.lower())
    return lower if lower in vocab else "<unk>"


@lru_cache(maxsize=1)
def default_lm() -> TrigramLM:
    """The process-wide syllable language model, loaded once on first use: the restorer's, and
    the one OCR's line choice scores readings with (without the restorer's candidate tables)."""
    return TrigramLM(LM_FILE)


@lru_cache(maxsize=1)
def default_restorer() -> Restorer:
    """The process-wide restorer, loaded once on first use."""
    return Restorer()


def restore(text: str) -> RestoreResult:
    """Restore Vietnamese diacritics and repair OCR garbling, one output line per input line."""
    return default_restorer().restore(text)


__all__ = ["Restorer", "default_lm", "default_restorer", "printed_key", "restore", "match_case"]
