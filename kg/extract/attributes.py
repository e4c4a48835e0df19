"""French's attribute ruler and lemmatizer as tables: the same attributes, set
with one array per doc.

fr_core_news_md ends with two components that decide each token alone:
spaCy's attribute ruler (23 one-token patterns: TAG from POS, and the
whitespace tokens' POS, MORPH and DEP) and a rule lemmatizer (the lemma from
the token's text and POS). spaCy runs a Matcher over every token and builds a
Span and a Token for each match, and sets each lemma through a Token: a tenth
of the French pipeline, more than the whole pass of our rules over a
sentence's names.

Their answer for a token is a function of a few of its attributes: those the
ruler's patterns test, and (text, POS) for the lemmatizer, whose own cache is
keyed on them. So the first token with a new combination is handed to the
component's own code (its matcher, its `lemmatize`), and the answer is kept
for every later token with that combination: spaCy's components, not a copy of
their logic, decide every answer. A ruler pattern this module cannot read as
a function of the attributes it names (more than one token, an operator, an
extension attribute) leaves spaCy's ruler in place. tests/test_attributes.py
compares every attribute of every token with the stock pipeline's.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy
from spacy.attrs import DEP, IDS, LEMMA, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

try:  # the French rule lemmatizer, whose lemma depends on (text, POS) only
    from spacy.lang.fr.lemmatizer import FrenchLemmatizer
except ImportError:  # pragma: no cover
    FrenchLemmatizer = None

# Token attributes a pattern may test: each a value of the token alone, read by
# Doc.to_array as the Matcher reads it.
_TESTABLE = frozenset(IDS[name] for name in (
    "ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LENGTH", "POS", "TAG", "DEP", "LEMMA", "MORPH",
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_UPPER", "LIKE_NUM",
    "LIKE_URL", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT",
    "IS_CURRENCY"))
# Attributes spaCy's `set_token_attrs` writes to the token only (Lexeme.set_struct_attr
# ignores them), as Doc.from_array writes them.
_ARRAY_ATTRS = (TAG, POS, DEP, LEMMA)


def _tested(pattern: dict) -> frozenset[int] | None:
    """The attributes a one-token pattern tests, or None where it tests anything else."""
    names = {"TEXT": "ORTH"}
    tested = set()
    for key in pattern:
        attr = IDS.get(names.get(key.upper(), key.upper())) if isinstance(key, str) else None
        if attr not in _TESTABLE:
            return None  # "OP", "_" (extensions), sentence starts, entities ...
        tested.add(attr)
    return frozenset(tested)


class AttributeTable:
    """spaCy's attribute ruler, answering from a table keyed on the attributes its
    patterns test.

    The ruler matches every pattern first, then applies the matches sorted by
    pattern, later ones overwriting earlier ones; a one-token match sets
    attributes of its own token only, so each token gets its own matches in
    pattern order. Those that set only TAG, POS, DEP or LEMMA (what spaCy
    writes to the token alone) are written with one array for the doc; the
    others (MORPH: whitespace) go through spaCy's `set_token_attrs`, as the
    ruler sets them."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        tested: set[int] = set()
        for i, index in enumerate(ruler.indices):
            for pattern in ruler.matcher.get(str(i))[1]:
                found = _tested(pattern[0]) if len(pattern) == 1 and index in (0, -1) else None
                if found is None:
                    raise ValueError(f"attribute ruler pattern {i} is not one token of plain attributes")
                tested |= found
        self.tested = sorted(tested)
        # What the patterns set that a doc array can write: the columns written.
        self.columns = [attr for attr in _ARRAY_ATTRS if any(attr in attrs for attrs in ruler.attrs)]
        # attributes tested -> (column values or None per column, or None where spaCy sets them;
        #                       the patterns matched, in order)
        self.memo: dict[tuple, tuple[tuple | None, tuple[int, ...]]] = {}

    @classmethod
    def readable(cls, ruler: object) -> bool:
        """Whether a component is a ruler whose patterns this table can answer."""
        if type(ruler) is not AttributeRuler:
            return False
        try:
            cls(ruler)
        except ValueError:
            return False
        return True

    def _answer(self, doc: Doc, i: int) -> tuple[tuple | None, tuple[int, ...]]:
        """The ruler's matcher on token i alone: the patterns it matches, in the
        order the ruler applies them, and the column values they leave."""
        strings = doc.vocab.strings
        matches = self.ruler.matcher(doc[i:i + 1], allow_missing=True, as_spans=False)
        matched = tuple(sorted(int(strings[match_id]) for match_id, _, _ in matches))
        final: dict[int, int] = {}
        for k in matched:
            final.update(self.ruler.attrs[k])
        if not matched or not final.keys() <= set(self.columns):
            return None, matched
        return tuple(final.get(attr) for attr in self.columns), matched

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        keys = list(map(tuple, doc.to_array(self.tested).tolist())) if self.tested else [()] * len(doc)
        memo = self.memo
        answers = list(map(memo.get, keys))
        if None in answers:
            for i, key in enumerate(keys):
                if answers[i] is None:
                    answer = memo.get(key)
                    if answer is None:
                        answer = memo[key] = self._answer(doc, i)
                    answers[i] = answer
        rows: list[tuple[int, tuple]] = []
        spacy_sets: list[tuple[int, tuple[int, ...]]] = []
        for i, (values, matched) in enumerate(answers):
            if values is not None:
                rows.append((i, values))
            elif matched:
                spacy_sets.append((i, matched))
        if rows:
            array = doc.to_array(self.columns)
            for i, values in rows:
                for j, value in enumerate(values):
                    if value is not None:
                        array[i, j] = value
            doc.from_array(self.columns, array)
        for i, matched in spacy_sets:
            token = doc[i]
            for k in matched:
                set_token_attrs(token, self.ruler.attrs[k])
        return doc


class LemmaTable:
    """spaCy's French rule lemmatizer, answering from a table keyed on (text, POS),
    and writing the lemmas with one array per doc.

    Its `rule_lemmatize` reads the token's text and POS only (its own cache is
    keyed on them) and falls back to a lookup by text. Like the component, it
    sets a lemma only where none is set, unless told to overwrite."""

    def __init__(self, lemmatizer: FrenchLemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int], int] = {}  # (orth, pos) -> lemma hash

    @staticmethod
    def readable(lemmatizer: object) -> bool:
        """Whether a component is the French rule lemmatizer this table answers for."""
        return (FrenchLemmatizer is not None and type(lemmatizer) is FrenchLemmatizer
                and lemmatizer.mode == "rule")

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables(Errors.E1004)
        rows = doc.to_array([ORTH, POS, LEMMA]).tolist()
        memo, strings, overwrite = self.memo, doc.vocab.strings, lemmatizer.overwrite
        lemmas = []
        for i, (orth, pos, lemma) in enumerate(rows):
            if overwrite or lemma == 0:
                key = (orth, pos)
                lemma = memo.get(key)
                if lemma is None:
                    lemma = memo[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc


@Language.factory("kg_attribute_table", default_config={"source": "attribute_ruler"})
def _make_attribute_table(nlp: Language, name: str, source: str) -> AttributeTable:
    return AttributeTable(nlp.get_pipe(source))


@Language.factory("kg_lemma_table", default_config={"source": "lemmatizer"})
def _make_lemma_table(nlp: Language, name: str, source: str) -> LemmaTable:
    return LemmaTable(nlp.get_pipe(source))


_TABLES: dict[str, tuple[str, Callable[[object], bool]]] = {
    "attribute_ruler": ("kg_attribute_table", AttributeTable.readable),
    "lemmatizer": ("kg_lemma_table", LemmaTable.readable),
}


def use_tables(nlp: Language) -> None:
    """Put the tables in place of the components they answer for, under the
    same names, where a component is one they can answer for."""
    for name, (factory, readable) in _TABLES.items():
        if name in nlp.pipe_names and readable(nlp.get_pipe(name)):
            table = f"{factory}_of_{name}"
            nlp.add_pipe(factory, name=table, after=name, config={"source": name})
            nlp.remove_pipe(name)
            nlp.rename_pipe(table, name)
