"""Find entity mentions: ontology labels, demonyms and metonyms, in any case form.

Every label is tokenised and lemmatised with the same pipeline as the text,
so that Russian and Ukrainian case forms (Белоруссии, Лукашенком) and
Indonesian affixes meet their nominative label. A label that starts with a
capital only matches a capitalised word, so that "AS" (Amerika Serikat) is not
the English "as" and "Barat" (the West) is not "barat" (west).
"""
from __future__ import annotations

import functools
from bisect import bisect_left
from operator import itemgetter
from dataclasses import dataclass

from spacy.attrs import IDX, LEMMA, ORTH
from spacy.tokens import Doc

from ..model import Entity
from ..ontology import Ontology
from .patterns import TokenKeys
from .profiles import fold, lemmatize_phrase

MAX_LABEL_TOKENS = 8
_LENGTHS_SIZE = 500_000  # (surface, lemma) pairs whose label lengths a gazetteer remembers

# Which label kinds a language may use from other languages' labels: names are
# shared across Latin-script languages (news keeps "Lukashenko" in French and
# Indonesian), demonyms are not (French "russe" means nothing in Indonesian).
_LATIN = frozenset({"en", "fr", "id"})
_CYRILLIC = frozenset({"ru", "uk"})


@dataclass(frozen=True)
class GazetteerEntry:
    """What a label sequence means."""

    entity: Entity
    kind: str  # name | demonym | metonym | capital
    needs_capital: bool
    exact: str | None = None  # an acronym ("UN", "AS") matches only in exactly this case
    state: str | None = None  # for a capital city: the state it stands for


@dataclass(frozen=True)
class Found:
    """One label matched in a doc (token span, exclusive end)."""

    start: int
    end: int
    entry: GazetteerEntry


def _label_langs(lang: str) -> frozenset[str]:
    return _CYRILLIC if lang in _CYRILLIC else _LATIN


class Gazetteer:
    """An index of label token sequences, by folded surface and by folded lemma."""

    def __init__(self, ontology: Ontology, lang: str) -> None:
        self.lang = lang
        self.by_surface: dict[tuple[str, ...], list[GazetteerEntry]] = {}
        self.by_lemma: dict[tuple[str, ...], list[GazetteerEntry]] = {}
        self._lengths: dict[str, set[int]] = {}  # first word (surface or lemma) -> lengths of its labels
        usable = _label_langs(lang) | {""}
        self._pairs: dict[str, tuple[tuple[str, str], ...]] = {}  # label -> its tokens' keys (labels recur)
        for ind in ontology.individuals.values():
            entity = ind.entity()
            kinds = [("name", text, label_lang) for label_lang, text in ind.labels]
            kinds += [("demonym", text, label_lang) for label_lang, text in ind.demonyms]
            kinds += [("metonym", text, label_lang) for label_lang, text in ind.metonyms]
            for kind, text, label_lang in kinds:
                if kind == "name" and label_lang not in usable and not _script_matches(text, lang):
                    continue
                if kind != "name" and label_lang not in (lang, ""):
                    continue
                if kind == "name" and ind.capital_of:
                    kind = "capital"
                acronym = text.isupper() and len(text) <= 5
                entry = GazetteerEntry(entity, kind, text[:1].isupper(),
                                       exact=text.replace(" ", "") if acronym else None, state=ind.capital_of)
                self._add(text, entry)
        # Longest first: a match is the longest label at a token.
        self.lengths: dict[str, tuple[int, ...]] = {  # first word -> lengths of its labels
            key: tuple(sorted(lengths, reverse=True)) for key, lengths in self._lengths.items()}
        self.first_keys = frozenset(self.lengths)  # the surfaces and lemmas a label may begin with
        self._lengths_at: dict[tuple[str, str], tuple[int, ...]] = {}  # (surface, lemma) -> _lengths_of
        # Best entry first in every bucket, so the first usable one is the best
        # (a stable sort keeps the order in which equals were added, as min did).
        for index in (self.by_surface, self.by_lemma):
            for bucket in index.values():
                bucket.sort(key=_preference)
        del self._pairs

    def _add(self, text: str, entry: GazetteerEntry) -> None:
        pairs = self._pairs.get(text)
        if pairs is None:
            pairs = self._pairs[text] = lemmatize_phrase(self.lang, text)
        if not pairs or len(pairs) > MAX_LABEL_TOKENS:
            return
        surface = tuple(s for s, _ in pairs)
        lemma = tuple(lem for _, lem in pairs)
        for index, key in ((self.by_surface, surface), (self.by_lemma, lemma)):
            self._lengths.setdefault(key[0], set()).add(len(key))
            bucket = index.setdefault(key, [])
            if not any(e.entity.id == entry.entity.id and e.kind == entry.kind and e.exact == entry.exact
                       for e in bucket):
                bucket.append(entry)

    def find(self, doc: Doc, surface: list[str], lemma: list[str], start: int, end: int,
             text: list[str] | None = None, keys: TokenKeys | None = None) -> list[Found]:
        """Longest, leftmost, non-overlapping label matches in doc[start:end]
        (`text`: the tokens' texts, if already read; `keys`: the doc's token
        keys, to visit only the tokens a label starts with)."""
        if text is None:
            text = [t.text for t in doc]
        if keys is None:
            keys = TokenKeys(surface, lemma)
        starts = keys.starts(self)
        k = bisect_left(starts, start)
        found: list[Found] = []
        lengths_at = self._lengths_at
        by_surface, by_lemma = self.by_surface, self.by_lemma
        while k < len(starts) and starts[k] < end:
            i = starts[k]
            k += 1
            match = None
            # Only the lengths of labels that begin with the token's surface or lemma
            # can match; the others would be looked up in vain.
            lengths = lengths_at.get((surface[i], lemma[i]))
            if lengths is None:
                lengths = self._lengths_of(surface[i], lemma[i])
            for length in lengths:
                if length > end - i:
                    continue
                entries = by_surface.get(tuple(surface[i:i + length]))
                if entries is None:
                    entries = by_lemma.get(tuple(lemma[i:i + length]))
                if not entries:
                    continue
                first = text[i]
                capitalised = first[:1].isupper() or not first[:1].isalpha()
                joined = "".join(text[i:i + length])
                best = None
                for e in entries:
                    if (capitalised or not e.needs_capital) and (e.exact is None or e.exact == joined):
                        best = e
                        break
                if best is not None:
                    match = Found(i, i + length, best)
                    break
            if match:
                found.append(match)
                k = bisect_left(starts, match.end, k)
        return found

    def _lengths_of(self, surface: str, lemma: str) -> tuple[int, ...]:
        """The lengths of the labels a token with this surface and lemma may begin, longest first."""
        lengths = self.lengths.get(surface, ())
        if lemma != surface and lemma in self.lengths:
            lengths = tuple(sorted(set(lengths).union(self.lengths[lemma]), reverse=True))
        if len(self._lengths_at) >= _LENGTHS_SIZE:
            self._lengths_at.clear()
        self._lengths_at[(surface, lemma)] = lengths
        return lengths

_KIND_ORDER = {"name": 0, "capital": 1, "metonym": 2, "demonym": 3}


def _preference(entry: GazetteerEntry) -> tuple[int, str]:
    """Prefer a name over a demonym or metonym, then a stable order."""
    return _KIND_ORDER[entry.kind], entry.entity.id


def _script_matches(text: str, lang: str) -> bool:
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in text)
    return cyrillic == (lang in _CYRILLIC)


@functools.lru_cache(maxsize=16)
def gazetteer_for(ontology: Ontology, lang: str) -> Gazetteer:
    """The gazetteer of one language for one ontology, built once."""
    return Gazetteer(ontology, lang)


_COLUMNS: dict[tuple[int, int], tuple[str, str, str]] = {}  # (word, lemma) hashes -> columns
_COLUMNS_SIZE = 500_000


def token_columns(doc: Doc) -> tuple[list[str], list[str], list[str], list[int]]:
    """Text, folded surface, folded lemma and character offset of every token of
    a doc, read from the doc's arrays (creating a Token object per access costs more)."""
    if not len(doc):
        return [], [], [], []
    array = doc.to_array([ORTH, LEMMA, IDX])
    orths, lemmas = array[:, 0].tolist(), array[:, 1].tolist()
    cols = list(map(_COLUMNS.get, zip(orths, lemmas)))
    if None in cols:
        strings = doc.vocab.strings
        for k, (orth, lem) in enumerate(zip(orths, lemmas)):
            if cols[k] is None:
                if len(_COLUMNS) >= _COLUMNS_SIZE:
                    _COLUMNS.clear()
                word = strings[orth]
                cols[k] = _COLUMNS[(orth, lem)] = (word, fold(word), fold(strings[lem] if lem else word))
    return (list(map(_TEXT, cols)), list(map(_SURFACE, cols)), list(map(_LEMMA, cols)),
            array[:, 2].tolist())


_TEXT, _SURFACE, _LEMMA = itemgetter(0), itemgetter(1), itemgetter(2)


def token_keys(doc: Doc) -> tuple[list[str], list[str]]:
    """Folded surface and folded lemma of every token of a doc."""
    _, surface, lemma, _ = token_columns(doc)
    return surface, lemma
