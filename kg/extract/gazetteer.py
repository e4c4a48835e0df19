"""Find entity mentions: ontology labels, demonyms and metonyms, in any case form.

Every label is tokenised and lemmatised with the same pipeline as the text,
so that Russian and Ukrainian case forms (Белоруссии, Лукашенком) and
Indonesian affixes meet their nominative label. A label that starts with a
capital only matches a capitalised word, so that "AS" (Amerika Serikat) is not
the English "as" and "Barat" (the West) is not "barat" (west).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.attrs import IDX, LEMMA, ORTH
from spacy.tokens import Doc

from ..model import Entity
from ..ontology import Ontology
from .profiles import fold, lemmatize_phrase

MAX_LABEL_TOKENS = 8

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
        self.longest: dict[str, int] = {}  # first word (surface or lemma) -> longest label it starts
        usable = _label_langs(lang) | {""}
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

    def _add(self, text: str, entry: GazetteerEntry) -> None:
        pairs = lemmatize_phrase(self.lang, text)
        if not pairs or len(pairs) > MAX_LABEL_TOKENS:
            return
        surface = tuple(s for s, _ in pairs)
        lemma = tuple(lem for _, lem in pairs)
        for index, key in ((self.by_surface, surface), (self.by_lemma, lemma)):
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))
            bucket = index.setdefault(key, [])
            if not any(e.entity.id == entry.entity.id and e.kind == entry.kind and e.exact == entry.exact
                       for e in bucket):
                bucket.append(entry)

    def find(self, doc: Doc, surface: list[str], lemma: list[str], start: int, end: int,
             text: list[str] | None = None) -> list[Found]:
        """Longest, leftmost, non-overlapping label matches in doc[start:end]
        (`text`: the tokens' texts, if already read)."""
        if text is None:
            text = [t.text for t in doc]
        found: list[Found] = []
        i = start
        while i < end:
            match = None
            longest = max(self.longest.get(surface[i], 0), self.longest.get(lemma[i], 0))
            if not longest:
                i += 1
                continue
            for length in range(min(longest, end - i), 0, -1):
                entries = self.by_surface.get(tuple(surface[i:i + length]))
                if entries is None:
                    entries = self.by_lemma.get(tuple(lemma[i:i + length]))
                if not entries:
                    continue
                first = text[i]
                capitalised = first[:1].isupper() or not first[:1].isalpha()
                joined = "".join(text[i:i + length])
                usable = [e for e in entries if (capitalised or not e.needs_capital)
                          and (e.exact is None or e.exact == joined)]
                if usable:
                    match = Found(i, i + length, _best(usable))
                    break
            if match:
                found.append(match)
                i = match.end
            else:
                i += 1
        return found


def _best(entries: list[GazetteerEntry]) -> GazetteerEntry:
    """Prefer a name over a demonym or metonym, then a stable order."""
    order = {"name": 0, "capital": 1, "metonym": 2, "demonym": 3}
    return min(entries, key=lambda e: (order[e.kind], e.entity.id))


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
    strings = doc.vocab.strings
    text, surface, lemma, idx = [], [], [], []
    for orth, lem, offset in doc.to_array([ORTH, LEMMA, IDX]).tolist():
        cols = _COLUMNS.get((orth, lem))
        if cols is None:
            if len(_COLUMNS) >= _COLUMNS_SIZE:
                _COLUMNS.clear()
            word = strings[orth]
            cols = _COLUMNS[(orth, lem)] = (word, fold(word), fold(strings[lem] if lem else word))
        text.append(cols[0])
        surface.append(cols[1])
        lemma.append(cols[2])
        idx.append(offset)
    return text, surface, lemma, idx


def token_keys(doc: Doc) -> tuple[list[str], list[str]]:
    """Folded surface and folded lemma of every token of a doc."""
    _, surface, lemma, _ = token_columns(doc)
    return surface, lemma
