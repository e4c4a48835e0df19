"""Extraction: articles in, assertions out.

    extractor = Extractor(load_ontology())
    result = extractor.extract(article)

Each language goes through its profile (pipeline), its gazetteer (entity
mentions) and the shared rules driven by its lexicon.
"""
from __future__ import annotations

import functools
import gc
from typing import Iterable, Iterator

from spacy.tokens import Doc

from ..dates import find_dates
from ..lexicon import load_lexicon
from ..model import Article, Assertion, Entity, Evidence, ExtractionResult, Mention
from ..ontology import DEFAULT_ONTOLOGY_DIR, Ontology
from .gazetteer import gazetteer_for, token_columns
from .patterns import load_clause_words
from .profiles import PROFILES, fold, load_pipeline, warm_tokenizer
from .rules import Arg, CompiledLexicon, Found, SentenceRules

#: Bumped whenever the rules change what they output, so caches are invalidated.
RULES_VERSION = "2"


@functools.lru_cache(maxsize=16)
def _compiled(ontology: Ontology, lang: str, lexicon_dir: str | None) -> CompiledLexicon:
    relations = frozenset(ontology.relations)
    lexicon = load_lexicon(lang, relations) if lexicon_dir is None else load_lexicon(lang, relations, lexicon_dir)
    clauses = load_clause_words(lang, DEFAULT_ONTOLOGY_DIR / "lexicons" if lexicon_dir is None else lexicon_dir)
    return CompiledLexicon(lexicon, clauses)


class Extractor:
    """Reads relations out of articles against one ontology and its lexicons."""

    def __init__(self, ontology: Ontology, lexicon_dir: str | None = None) -> None:
        self.ontology = ontology
        self.lexicon_dir = lexicon_dir
        self._ready: set[str] = set()

    def languages(self) -> tuple[str, ...]:
        """The languages this extractor has a profile for."""
        return tuple(PROFILES)

    def prepare(self, lang: str) -> None:
        """Load the pipeline, gazetteer and lexicon of a language ahead of use."""
        if lang in self._ready:
            return
        load_pipeline(lang)
        gazetteer_for(self.ontology, lang)
        _compiled(self.ontology, lang, self.lexicon_dir)
        self._ready.add(lang)
        # What was just loaded lives as long as the process: out of the garbage
        # collector's sight, a full collection takes under a millisecond, not the
        # 0.1-0.3 s of walking millions of lexicon and vocabulary objects (which a
        # long extraction otherwise pays every so often).
        gc.freeze()

    def extract(self, article: Article) -> ExtractionResult:
        """All assertions of one article."""
        self.prepare(article.lang)
        nlp = load_pipeline(article.lang)
        warm_tokenizer(nlp, article.text)
        return self._from_doc(article, nlp(article.text))

    def extract_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[ExtractionResult]:
        """Assertions of many articles, through nlp.pipe per language batch (faster)."""
        pending: list[Article] = []
        for article in articles:
            pending.append(article)
            if len(pending) >= batch_size:
                yield from self._batch(pending)
                pending = []
        if pending:
            yield from self._batch(pending)

    def _batch(self, articles: list[Article]) -> Iterator[ExtractionResult]:
        by_lang: dict[str, list[int]] = {}
        for i, art in enumerate(articles):
            by_lang.setdefault(art.lang, []).append(i)
        results: dict[int, ExtractionResult] = {}
        for lang, idxs in by_lang.items():
            self.prepare(lang)
            nlp = load_pipeline(lang)
            for i in idxs:
                warm_tokenizer(nlp, articles[i].text)
            for i, doc in zip(idxs, nlp.pipe(articles[i].text for i in idxs)):
                results[i] = self._from_doc(articles[i], doc)
        for i in range(len(articles)):
            yield results[i]

    # ------------------------------------------------------------------ internals
    def _from_doc(self, article: Article, doc: Doc) -> ExtractionResult:
        lang = article.lang
        gazetteer = gazetteer_for(self.ontology, lang)
        lexicon = _compiled(self.ontology, lang, self.lexicon_dir)
        text, surface, lemma, idx = token_columns(doc)
        rules = SentenceRules(self.ontology, lexicon, doc, surface, lemma, article.date,
                              parsed=PROFILES[lang].has_parser, text=text, offsets=idx, raw=article.text)
        assertions: list[Assertion] = []
        mentions: list[tuple[int, Mention]] = []
        persons_seen: dict[str, tuple[int, object]] = {}
        raw = article.text  # spaCy keeps the text as it is, so token offsets index it
        for index, sent in enumerate(doc.sents):
            # Offsets come from the token columns: a Span's text and offsets
            # fetch its tokens one by one.
            start_char = idx[sent.start]
            end_char = idx[sent.end - 1] + len(text[sent.end - 1])
            sent_text = raw[start_char:end_char]
            if not sent_text.strip():
                continue
            rules.index(sent)
            args = self._args(rules, gazetteer.find(doc, surface, lemma, sent.start, sent.end, text, rules.keys), sent)
            for arg in args:
                if arg.kind == "both":
                    continue  # "both countries" is not a name of either
                char_start, char_end = idx[arg.start], idx[arg.end - 1] + len(text[arg.end - 1])
                mentions.append((index, Mention(arg.entity, arg.start, arg.end, char_start, char_end,
                                                raw[char_start:char_end], arg.agent, arg.kind)))
                if arg.entity.type == "Person":
                    persons_seen.setdefault(arg.entity.id, (index, sent))
            event_dates: list[str] | None = None  # read only where the sentence holds a relation
            for found in rules.sentence(sent, args):
                if event_dates is None:
                    evidence = Evidence(article.doc_id, sent_text.strip(), index, start_char, end_char, lang)
                    event_dates = [d for _, _, d in find_dates(sent_text, lang)]
                assertions.append(self._assertion(found, evidence, article, event_dates))
            rules.remember(args)
        assertions += self._background_roles(rules, article, persons_seen, assertions)
        return ExtractionResult(article, tuple(assertions), tuple(mentions))

    def _args(self, rules: SentenceRules, found, sent) -> list[Arg]:
        args: list[Arg] = []
        for f in found:
            state = None
            if f.entry.state:
                state = rules._entity(f.entry.state)
            agent = None
            if f.entry.entity.type == "Country":
                for bs, be, _ in rules.spans_in(rules.lex.bodies, max(sent.start, f.start - 4),
                                                min(sent.end, f.end + 4)):
                    agent = rules.span_text(bs, be)
                    break
            args.append(Arg(f.entry.entity, f.start, f.end, f.entry.kind, state, agent))
        args += self._unknown_people(rules, sent, args)
        # "Both countries": the two states the sentence names, else the two the
        # document names most, stand in for the phrase.
        both = rules._cues("both", sent.start, sent.end)
        if both:
            args.sort(key=lambda a: a.start)
            salient = rules.salient_pair()
            for bs, be in both:
                for ent in rules.sentence_pair(args, bs) or salient:
                    args.append(Arg(ent, bs, be, "both"))
        return sorted(args, key=lambda a: (a.start, a.entity.id))

    def _unknown_people(self, rules: SentenceRules, sent, args: list[Arg]) -> list[Arg]:
        """People the ontology lacks, named right after a role title: "начальник
        Генштаба ВС Белоруссии Павел Муравейко", "голова Єврокомісії Урсула фон дер Ляєн".

        Two or three capitalised words (name particles allowed between them)
        within six tokens after the title, not part of a known name; Russian and
        Ukrainian case forms are lemmatised back to the nominative.
        """
        titles = rules.title_spans()
        if not titles:
            return []
        doc, text, punct = rules.doc, rules.text, rules.punct  # token columns: no Token objects
        caps = rules.capitalised()
        taken = {i for a in args for i in range(a.start, a.end)}

        def name_start(i: int) -> bool:
            return i not in taken and caps[i] and i + 1 < len(text) and (
                caps[i + 1] or text[i + 1] in _NAME_PARTICLES) and i + 1 not in taken

        out: list[Arg] = []
        for _, te, _ in titles:
            i = te
            while i < min(te + 6, sent.end) and not name_start(i):
                if punct[i] and text[i] not in {",", "-", "«", "»", '"'}:
                    break
                i += 1
            if i >= min(te + 6, sent.end) or not name_start(i):
                continue
            j = i
            while j < sent.end and j - i < 5 and j not in taken and (
                    caps[j] or (text[j].islower() and text[j] in _NAME_PARTICLES)):
                j += 1
            while j > i and not caps[j - 1]:
                j -= 1
            words = [k for k in range(i, j) if caps[k]]
            if not 2 <= len(words) <= 3 or any(rules.lex.bodies.matches_at(rules.keys, k, j)
                                                for k in range(i, j)):
                continue
            cyrillic = any("\u0400" <= c <= "\u04ff" for c in text[i])
            label = " ".join((doc[k].lemma_.title() if cyrillic and caps[k] else text[k])
                             for k in range(i, j))
            ident = "new/Person/" + "_".join(fold(label).split())
            out.append(Arg(Entity(ident, label, "Person", (), None, in_ontology=False), i, j, "name"))
            taken.update(range(i, j))
        return out

    def _assertion(self, found: Found, evidence: Evidence, article: Article, event_dates: list[str]) -> Assertion:
        subject, obj = found.subject, found.object
        if self.ontology.relations[found.relation].symmetric and obj.id < subject.id:
            subject, obj = obj, subject
        return Assertion(
            subject=subject, relation=found.relation, object=obj, evidence=evidence,
            polarity=found.polarity, modality=found.modality, attributed_to=found.attributed_to,
            agent=found.agent, instrument=found.instrument, doc_date=article.date,
            event_date=event_dates[0] if event_dates else None, confidence=found.confidence,
            trigger=found.trigger, rule=found.rule)

    def _background_roles(self, rules: SentenceRules, article: Article, persons_seen: dict,
                          assertions: list[Assertion]) -> list[Assertion]:
        """Roles the ontology knows for people the article names without a title.

        They carry the sentence that names the person and a lower confidence,
        and only roles valid on the article's date are used.
        """
        stated = {(a.subject.id, a.relation) for a in assertions if a.relation in ("leaderOf", "officialOf")}
        out = []
        for person_id, (index, sent) in sorted(persons_seen.items()):
            ind = self.ontology.individuals.get(person_id)
            if ind is None:
                continue
            for role in ind.roles:
                target = self.ontology.individuals.get(role.target)
                if target is None or (person_id, role.relation) in stated or not role.holds_on(article.date):
                    continue
                evidence = Evidence(article.doc_id, sent.text.strip(), index, sent.start_char, sent.end_char,
                                    article.lang)
                out.append(Assertion(ind.entity(), role.relation, target.entity(), evidence,
                                     doc_date=article.date, confidence=0.5,
                                     trigger=role.title, rule="ontology-role"))
                stated.add((person_id, role.relation))
        return out


# Lower-case words that may stand inside a person's name.
_NAME_PARTICLES = frozenset({"von", "van", "der", "de", "den", "al", "bin", "фон", "дер", "ван", "де"})

