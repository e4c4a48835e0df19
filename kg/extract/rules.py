"""Relation rules over one sentence: triggers, arguments, polarity and modality.

The rules are language-independent; what differs between languages lives in
the lexicon (trigger words, prepositions, cue words). Each rule is a small
function over token spans and says in a comment why it exists. How a trigger
finds its subjects and objects (clauses, coordination, pronouns, appositions)
is in `arguments.py`, a base of `SentenceRules`.
"""
from __future__ import annotations

import functools
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.attrs import IS_PUNCT, IS_STOP
from spacy.tokens import Doc, Span

from ..model import (ASSERTED, FUTURE, HYPOTHETICAL, NEGATIVE, POSITIVE, REPORTED, Entity)
from ..ontology import Ontology
from ..lexicon import Lexicon, Trigger
from .arguments import Arg, ArgumentRules
from .parse import Parse
from .patterns import PhraseSet, TokenKeys, compile_phrase

# Relations in which a person acts only on behalf of the state: "Lukashenko
# deployed troops" is Belarus deploying troops, with Lukashenko as the agent.
# Speech acts (accuses, threatens, condemns, supports) and meetings stay personal.
STATE_ACTS = frozenset({
    "deploysTo", "hosts", "reinforcesBorderWith", "usesTerritoryOf", "violatesBorderOf", "attacks",
    "shootsDown", "summonsEnvoyOf", "suppliesArmsTo", "joinsWarAgainst", "trains", "conductsExerciseWith",
    "cooperatesWith", "sanctions", "signsAgreementWith",
})

# News outlets report events; they are attributed sources, never parties to a
# security relation.
NON_PARTY_TYPES = frozenset({"NewsOutlet", "WeaponSystem"})

# A leader calling another state an ally, or backing it, speaks for the state:
# "Putin called Pyongyang a reliable ally" is Russia allyOf North Korea. A
# person with no known state keeps the relation.
SPEAKS_FOR_STATE = frozenset({"allyOf", "supports"})


@dataclass
class Found:
    """A relation found in a sentence, before it becomes an Assertion."""

    subject: Entity
    relation: str
    object: Entity
    polarity: str = POSITIVE
    modality: str = ASSERTED
    attributed_to: Entity | None = None
    agent: str | None = None
    instrument: str | None = None
    confidence: float = 0.7
    trigger: str = ""
    rule: str = ""


@dataclass
class DocState:
    """What the rules remember across the sentences of one document."""

    person_state: dict[str, Entity] = field(default_factory=dict)  # person id -> state
    last_subject: list[Arg] = field(default_factory=list)
    recent_states: dict[str, Entity] = field(default_factory=dict)  # id -> state, least recent first
    state_counts: dict[str, int] = field(default_factory=dict)


class CompiledLexicon:
    """A lexicon's phrases compiled for one language's pipeline."""

    def __init__(self, lexicon: Lexicon, clauses: dict[str, tuple[str, ...]] | None = None) -> None:
        lang = lexicon.language
        self.lexicon = lexicon
        self.triggers = PhraseSet()
        for trig in lexicon.triggers:
            for words in trig.words:
                self.triggers.add(compile_phrase(lang, words), trig)
        self.cues: dict[str, PhraseSet] = {}
        self.all_cues = PhraseSet()  # every kind at once, for one pass per sentence
        # The lists of clauses.yaml (control verbs, infinitive markers) are cues like the others.
        for kind, phrases in [*lexicon.cues.items(), *(clauses or {}).items()]:
            ps = PhraseSet()
            for phrase in phrases:
                compiled = compile_phrase(lang, tuple(phrase.split()))
                ps.add(compiled, kind)
                self.all_cues.add(compiled, str(kind))  # the kind, as the rules index cues by it
            self.cues[kind] = ps
        self.titles = PhraseSet()
        for relation, phrases in lexicon.titles.items():
            for phrase in phrases:
                self.titles.add(compile_phrase(lang, tuple(phrase.split())), relation)
        self.bodies = PhraseSet()
        for phrase in lexicon.bodies:
            self.bodies.add(compile_phrase(lang, tuple(phrase.split())), phrase)
        self.preps: dict[int, PhraseSet] = {}
        for trig in lexicon.triggers:
            ps = PhraseSet()
            for p in trig.preps:
                ps.add(compile_phrase(lang, tuple(p.split())), p)
            self.preps[id(trig)] = ps

    def cue_spans(self, kind: str, keys: TokenKeys, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) of every cue of one kind within [start, end)."""
        ps = self.cues.get(kind)
        if ps is None or start >= end:
            return []
        return [(s, e) for s, e, _ in ps.spans(keys, start, end)]


class SentenceRules(ArgumentRules):
    """Applies the rules to the sentences of one document."""

    def __init__(self, ontology: Ontology, lexicon: CompiledLexicon, doc: Doc,
                 surface: list[str], lemma: list[str], doc_date: str | None, parsed: bool,
                 text: list[str] | None = None, offsets: list[int] | None = None,
                 raw: str | None = None) -> None:
        self.ont = ontology
        self.lex = lexicon
        self.doc = doc
        self._parse: Parse | None = None
        self.keys = TokenKeys(surface, lemma)
        self.surface = surface
        self.lemma = lemma
        self.date = doc_date
        self.parsed = parsed
        self.state = DocState()
        self.title_tokens: set[int] = set()  # tokens of role appositions in the current sentence
        self._bounds = (0, 0)
        self._index: dict[str, list[tuple[int, int]]] = {}
        self.text = text if text is not None else [t.text for t in doc]
        # spaCy keeps the text as it is, so token offsets index it.
        self._raw = raw if raw is not None else doc.text
        self._offsets = offsets if offsets is not None else [t.idx for t in doc]
        flags = doc.to_array([IS_PUNCT, IS_STOP]).astype(bool) if len(doc) else None
        self.punct = flags[:, 0].tolist() if flags is not None else []  # token columns: no Token objects in the rules
        self.stop = flags[:, 1].tolist() if flags is not None else []
        self._sentence_args: list[Arg] = []  # every mention of the current sentence
        self._clause_punct: list[int] = []
        # The doc's ";", ":" and "—", found among the tokens with such a key (a
        # folded key may stand for other characters: the text decides).
        self._clause_marks = sorted(k for mark in _CLAUSE_PUNCT for k in self.keys.positions.get(mark, ())
                                    if self.text[k] in _CLAUSE_PUNCT)
        self._commas: list[int] | None = None  # the commas of the current sentence, once asked for
        self._doc_commas: list[int] | None = None  # the doc's, likewise
        self._caps: list[bool] | None = None  # see capitalised()
        self._single: dict[int, set[str]] = {}  # token -> kinds of the one-token cues on it
        self._breaks: list[int] | None = None  # clause breaks of the current sentence, sorted
        self._titles: list[tuple[int, int, object]] | None = None  # role titles of the current sentence
        self._sentence_spans: dict[PhraseSet, list[tuple[int, int, object]]] = {}  # see spans_in
        self._entities: dict[str, Entity | None] = {}
        self._fits: dict[tuple[int, str, str], Entity | None] = {}  # (id(arg), relation, side) -> entity
        # The verbs read so far in the current sentence, in order, as (trigger start,
        # subjects, objects): a coordinated verb or a purpose clause shares their subjects.
        self._verb_subjects: list[tuple[int, list[Arg], list[Arg]]] = []
        self._trigger_starts: frozenset[int] = frozenset()  # where the current sentence's triggers start

    # ---------------------------------------------------------------- helpers
    def index(self, sent: Span) -> None:
        """Find every cue of the sentence once; the rules then only filter."""
        self._bounds = (sent.start, sent.end)
        self._index = index = {}
        self._single = single = {}
        self._breaks = None
        self._titles = None
        self._sentence_spans = {}
        marks = self._clause_marks
        self._clause_punct = marks[bisect_left(marks, sent.start):bisect_left(marks, sent.end)]
        self._commas = None
        by_kind, at = index.setdefault, single.setdefault
        for s, e, kind in self.lex.all_cues.spans(self.keys, sent.start, sent.end):
            by_kind(kind, []).append((s, e))  # a cue's payload is its kind (a str)
            if e == s + 1:
                # A window of one token holds only the one-token cues on it, which
                # the coordination test asks about for every token between names.
                at(s, set()).add(kind)

    def capitalised(self) -> list[bool]:
        """Whether each token of the doc is a capitalised word (`capitalised`),
        read through a per-word memo: names are looked for after every title."""
        if self._caps is None:
            caps = list(map(_CAPITALISED.get, self.text))
            if None in caps:
                for k, word in enumerate(self.text):
                    if caps[k] is None:
                        if len(_CAPITALISED) >= _CAPITALISED_SIZE:
                            _CAPITALISED.clear()
                        caps[k] = _CAPITALISED[word] = capitalised(word)
            self._caps = caps
        return self._caps

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as `doc[start:end].text` (without a Span)."""
        if start >= end:
            return ""
        return self._raw[self._offsets[start]:self._offsets[end - 1] + len(self.text[end - 1])]

    def spans_in(self, phrases: PhraseSet, start: int, end: int) -> list[tuple[int, int, object]]:
        """`phrases.spans` in [start, end) of the current sentence.

        A set of plain phrases is matched once per sentence and each window
        filtered from that: a plain match does not depend on where the window
        ends, only whether it fits. (A gapped one does: a shorter window may
        find a later, shorter match.) Bodies are looked for around every
        state named in a sentence."""
        lo, hi = self._bounds
        if not phrases.plain or start < lo or end > hi:
            return phrases.spans(self.keys, start, end)
        found = self._sentence_spans.get(phrases)
        if found is None:
            found = self._sentence_spans[phrases] = phrases.spans(self.keys, lo, hi)
        return [m for m in found if start <= m[0] and m[1] <= end]

    def title_spans(self) -> list[tuple[int, int, object]]:
        """Every role title of the current sentence (start, end, relation); read
        twice, for unknown people and for appositions."""
        if self._titles is None:
            lo, hi = self._bounds
            self._titles = self.lex.titles.spans(self.keys, lo, hi)
        return self._titles

    def _cues(self, kind: str, start: int, end: int) -> list[tuple[int, int]]:
        start = max(start, 0)
        lo, hi = self._bounds
        if lo <= start and end <= hi:
            spans = self._index.get(kind)
            if spans is None:
                return []
            return [(s, e) for s, e in spans if start <= s and e <= end]
        return self.lex.cue_spans(kind, self.keys, start, end)

    def _has_cue(self, kind: str, start: int, end: int) -> bool:
        start = max(start, 0)
        lo, hi = self._bounds
        if lo <= start and end <= hi:
            spans = self._index.get(kind)
            if spans is not None:
                for s, e in spans:
                    if start <= s and e <= end:
                        return True
            return False
        return bool(self.lex.cue_spans(kind, self.keys, start, end))

    def _entity(self, ident: str) -> Entity | None:
        # Memoised per document: building an Entity sorts the individual's aliases.
        if ident in self._entities:
            return self._entities[ident]
        ind = self.ont.individuals.get(ident)
        found = self._entities[ident] = _entity_of(self.ont, ident) if ind else None
        return found

    def _state_of_person(self, person: Entity) -> Entity | None:
        known = self.state.person_state.get(person.id)
        if known:
            return known
        ind = self.ont.individuals.get(person.id)
        for role in (ind.roles if ind else ()):
            target = self.ont.individuals.get(role.target)
            if target and target.type == "Country" and role.holds_on(self.date):
                return _entity_of(self.ont, role.target)
        return None

    def _fit(self, arg: Arg, relation: str, side: str) -> Entity | None:
        """The entity an argument stands for in this slot, or None if it cannot fill it.

        A capital used as an actor is its state ("Minsk accused Kyiv"); a leader
        doing what only states do is the state ("Lukashenko deployed troops").
        """
        # Every trigger of a sentence asks again about the same arguments; the
        # answer holds for the sentence (the people's states are known by then).
        key = (id(arg), relation, side)
        if key in self._fits:
            return self._fits[key]
        found = self._fits[key] = self._fit_slot(arg, relation, side)
        return found

    def _fit_slot(self, arg: Arg, relation: str, side: str) -> Entity | None:
        rel = self.ont.relations[relation]
        allowed = rel.domain if side == "subject" else rel.range
        if arg.entity.type in NON_PARTY_TYPES:
            return None
        if arg.kind == "capital" and arg.state is not None:
            if relation not in ("deploysTo", "locatedIn", "attacks") and self.ont.is_a("Country", allowed):
                return arg.state
        if arg.entity.type == "Person" and relation == "memberOf" and side == "subject":
            # Members of alliances and blocs are states and organisations: "von der
            # Leyen condemned a violation of an EU member state" is no membership of hers.
            return None
        if arg.entity.type == "Person" and relation in STATE_ACTS:
            # Only states deploy, sanction or shoot down; a person we cannot tie
            # to a state is not the actor of such a relation.
            return self._state_of_person(arg.entity)
        if arg.entity.type == "Person" and relation in SPEAKS_FOR_STATE:
            state = self._state_of_person(arg.entity)
            if state is not None:
                return state
        if self.ont.is_a(arg.entity.type, allowed):
            return arg.entity
        if arg.state is not None and self.ont.is_a(arg.state.type, allowed):
            return arg.state
        return None

    # ---------------------------------------------------------------- roles
    def roles(self, sent: Span, args: list[Arg]) -> tuple[list[Found], set[int]]:
        """Appositions of a title: "Presiden Belarusia Alexander Lukashenko",
        "le porte-parole du Kremlin, Dmitri Peskov", "Poland, a NATO member".

        Returns structural relations and the starts of the arguments they used
        as modifiers, which are then no candidates for other relations.
        """
        out: list[Found] = []
        absorbed: set[int] = set()
        for ts, te, relation in _longest(self.title_spans()):
            after = [a for a in args if te <= a.start < te + 7]
            before = [a for a in args if ts - 4 < a.end <= ts]
            person_after = next((a for a in after if a.entity.type == "Person"), None)
            rel = str(relation)
            # "head of a department of X" is an official of X, not its leader.
            if rel == "leaderOf" and self.spans_in(self.lex.bodies, te, min(te + 3, sent.end)):
                rel = "officialOf"
            if person_after is not None:
                subject = person_after
                touching = [a for a in before if a.end >= ts - 1
                            and not any(self.punct[a.end:ts])]
                modifiers = touching + [a for a in after if a.start < subject.start]
                if any(self.punct[k] and self.text[k] not in {",", "(", ")"} for k in range(te, subject.start)):
                    continue
            else:
                prev = [a for a in before if any(self.text[k] == "," for k in range(a.end, ts))]
                if not prev:
                    continue
                subject = prev[-1]
                modifiers = after[:1]
            for mod in modifiers:
                if mod is subject:
                    continue
                target = mod.state if mod.kind in ("capital", "metonym") and mod.state else mod.entity
                if mod.kind == "metonym":
                    target = mod.entity
                subj_type, obj_type = subject.entity.type, target.type
                if not self.ont.fits(rel, subj_type, obj_type):
                    continue
                out.append(Found(subject.entity, rel, target, confidence=0.8,
                                 trigger=self.span_text(ts, te), rule="title-apposition"))
                absorbed.add(mod.start)
                self.title_tokens.update(range(min(ts, mod.start), max(te, mod.end)))
                if target.type == "Country" and subject.entity.type == "Person":
                    self.state.person_state[subject.entity.id] = target
                break
        return out, absorbed

    def located(self, sent: Span, args: list[Arg]) -> list[Found]:
        """A place named right before a larger place: "Wilayah Kursk, Rusia",
        "Ashuluk di Wilayah Astrakhan", "the Kursk region of Russia"."""
        out = []
        ordered = sorted(args, key=lambda a: a.start)
        for owner, place in zip(ordered, ordered[1:]):
            # "Russia's Kursk region": a place right after a possessive lies in the possessor.
            if (place.entity.type in ("Region", "City", "MilitarySite") and owner.kind == "name"
                    and self._cues("possessive", owner.end, owner.end + 1) and place.start == owner.end + 1
                    and self.ont.fits("locatedIn", place.entity.type, owner.entity.type)):
                out.append(Found(place.entity, "locatedIn", owner.entity, confidence=0.7,
                                 trigger=self.span_text(owner.start, place.end), rule="possessive-place"))
        for first, second in zip(ordered, ordered[1:]):
            if first.entity.type not in ("Region", "City", "MilitarySite") or first.kind not in ("name", "capital"):
                continue
            if second.kind not in ("name", "demonym") or second.entity.id == first.entity.id:
                continue
            gap = range(first.end, second.start)
            if len(gap) > 2 or any(self.punct[k] and self.text[k] != "," for k in gap):
                continue
            if len(gap) and not all(self.text[k] == "," or self.stop[k] or len(self.text[k]) <= 3 for k in gap):
                continue
            if self._cues("coordinators", first.end, second.start):
                continue  # "the Volyn and Chernihiv regions": two places side by side
            if not self.ont.fits("locatedIn", first.entity.type, second.entity.type):
                continue
            known = _facts(self.ont).get((first.entity.id, "locatedIn"), ())
            if known and second.entity.id not in known and second.entity.type == "Country":
                continue  # the ontology places it elsewhere: a coincidence of word order
            out.append(Found(first.entity, "locatedIn", second.entity, confidence=0.75,
                             trigger=self.span_text(first.start, second.end), rule="place-apposition"))
        return out

    # ---------------------------------------------------------------- triggers
    def triggers(self, sent: Span) -> list[tuple[int, int, Trigger]]:
        """Trigger matches, longest first, without overlaps."""
        return _longest(self.lex.triggers.spans(self.keys, sent.start, sent.end))

    def _parser_subject(self, args: list[Arg], ts: int, te: int) -> list[Arg]:
        """The nominal subject of the trigger's verb, from the dependency parse."""
        return self.parse.subject(args, ts, te, lambda i: self._has_cue("control", i, i + 1))

    @property
    def parse(self) -> Parse:
        """The doc's dependency parse as token columns, read on first use."""
        if self._parse is None:
            self._parse = Parse(self.doc)
        return self._parse

    # ---------------------------------------------------------------- qualifiers
    def polarity(self, left: int, ts: int, te: int, right: int) -> str:
        """Negative when a negation cue stands just before the trigger (or "pas"
        just after it), or a denying verb governs it ("ruled out joining",
        "denied that Russia planned ..."); a negated denial ("did not rule out",
        "не исключил") denies nothing."""
        if self._has_cue("negation", max(left, ts - 3), ts):
            return NEGATIVE
        if self._has_cue("negation_after", te, min(te + 2, right)):
            return NEGATIVE
        denials = self._cues("negating_words", max(left, ts - 6), ts)
        if not denials and self._has_cue("complementizers", left, left + 1):
            denials = self._cues("negating_words", max(self._bounds[0], left - 5), left)
        for ds, _ in denials:
            if not self._has_cue("negation", max(self._bounds[0], ds - 2), ds):
                return NEGATIVE
        return POSITIVE

    def modality(self, sent: Span, left: int, ts: int, te: int) -> tuple[str, tuple[int, int] | None]:
        """The modality, and where the reporting cue stands (for attribution)."""
        if self._has_cue("hypothetical", max(left, ts - 4), ts) or self._has_cue("hypothetical", left, left + 1):
            mood = HYPOTHETICAL
        elif self._has_cue("future", max(left, ts - 3), ts):
            mood = FUTURE
        else:
            mood = ASSERTED
            if self.parsed:
                conditional, future = self.parse.mood(ts)
                if conditional:
                    mood = HYPOTHETICAL
                elif future:
                    mood = FUTURE
        speech = [s for s in self._cues("speech", sent.start, ts)]
        after = [s for s in self._cues("speech_after", sent.start, sent.end)]
        cue = speech[-1] if speech else (after[0] if after else None)
        if cue is not None and mood == ASSERTED:
            mood = REPORTED
        return mood, cue

    def _speaker_entity(self, arg: Arg) -> Entity | None:
        """Who speaks: a capital speaks for its state; places and weapons do not speak."""
        if arg.kind == "capital" and arg.state is not None:
            return arg.state
        return arg.entity if self.ont.is_a(arg.entity.type, "Actor") else None

    def speaker(self, args: list[Arg], cue: tuple[int, int], kind: str) -> Entity | None:
        """Who made the claim: the subject before "said", the name after "according to"."""
        s, e = cue
        if kind == "speech":
            said = self._subject_before(args, s, "", lambda a, relation, side: True)
            return self._speaker_entity(said[0]) if said else None
        cands = [a for a in args if e <= a.start <= e + 4]
        if cands:
            return self._speaker_entity(cands[0])
        if self.state.last_subject:
            return self._speaker_entity(self.state.last_subject[0])
        return None

    # ---------------------------------------------------------------- sentence
    def sentence(self, sent: Span, args: list[Arg]) -> list[Found]:
        """Every relation of one sentence."""
        if len(args) + len(self.state.last_subject) < 2:
            # A relation needs two parties, from the sentence's mentions or, for a
            # pronoun, the last subject; with fewer no rule can fire (or change state).
            return []
        found: list[Found] = []
        self._sentence_args = args
        roles, absorbed = self.roles(sent, args)
        found += roles
        found += self.located(sent, args)
        self._fits = {}  # after the roles, which may tie a person to a state
        free = [a for a in args if a.start not in absorbed]
        instruments = [a.entity.label for a in args if a.entity.type == "WeaponSystem"]
        prev_subject: list[Arg] | None = None
        named = {k for a in args for k in range(a.start, a.end)}  # the tokens of the mentions
        # A word of a name ("Collective Security Treaty Organisation") is no trigger; gaps may hold names.
        triggers = [t for t in self.triggers(sent) if t[0] not in named and t[1] - 1 not in named]
        self._trigger_starts = frozenset(ts for ts, _, _ in triggers)
        self._verb_subjects = []
        for ts, te, trig in triggers:
            left, right = self.clause(sent, ts, te)
            subjects, how = self.subjects(sent, free, ts, te, left, right, trig, prev_subject)
            relation = trig.relation
            objects, border = self.objects(sent, free, subjects, ts, te, right, trig, how)
            if border:
                relation = "reinforcesBorderWith"
            if subjects and how in _VERB_SUBJECTS:
                self._verb_subjects.append((ts, subjects, objects))
            rel = self.ont.relations[relation]
            if not subjects and rel.symmetric and len(objects) > 1:
                subjects, objects, how = objects, [], "between"  # "le dialogue entre Moscou et Minsk"
            if not subjects:
                continue
            prev_subject = subjects
            pairs: list[tuple[Arg, Arg]] = []
            if objects:
                pairs = [(s, o) for s in subjects for o in objects]
            elif rel.symmetric and len(subjects) > 1:
                pairs = [(subjects[i], subjects[j]) for i in range(len(subjects))
                         for j in range(i + 1, len(subjects))]
            if not pairs:
                continue
            polarity = self.polarity(left, ts, te, right)
            mood, cue = self.modality(sent, left, ts, te)
            speaker = None
            if cue is not None:
                kind = "speech" if cue in self._cues("speech", sent.start, ts) else "speech_after"
                speaker = self.speaker(args, cue, kind)
            confidence = trig.confidence - (0.1 if how not in ("parser", "left") else 0.0)
            readings = [(polarity, mood)]
            if polarity == NEGATIVE and self._has_cue("unless", te, self._bounds[1]):
                # "would never join the war unless attacked": denied, and possible on a condition.
                readings.append((POSITIVE, HYPOTHETICAL))
            for (s_arg, o_arg), (polarity, mood) in [(p, r) for p in pairs for r in readings]:
                if trig.swap:
                    s_arg, o_arg = o_arg, s_arg
                s_ent, o_ent = self._fit(s_arg, relation, "subject"), self._fit(o_arg, relation, "object")
                if s_ent is None or o_ent is None or s_ent.id == o_ent.id:
                    continue
                agent = s_arg.agent
                if s_arg.entity.type == "Person" and s_ent.type != "Person":
                    agent = s_arg.entity.label
                elif s_arg.kind in ("metonym", "capital", "demonym") and not agent:
                    agent = self.span_text(s_arg.start, s_arg.end)
                found.append(Found(
                    s_ent, relation, o_ent, polarity=polarity, modality=mood,
                    attributed_to=speaker if speaker and speaker.id != s_ent.id else None,
                    agent=agent, instrument=instruments[0] if instruments else None,
                    confidence=round(max(0.05, min(confidence, 0.99)), 2),
                    trigger=self.span_text(ts, te), rule=f"trigger:{how}"))
            if subjects and how in ("left", "parser") and not all(a.kind == "demonym" for a in subjects):
                # "Russian missiles would be stationed ...": a demonym qualifies a thing,
                # and "he" or "it" in the next sentence is not Russia.
                self.state.last_subject = subjects
        self.title_tokens = set()
        return found

    def remember(self, args: list[Arg]) -> None:
        """Count the states named, for "both countries": the two most named so far
        (ties go to the more recent), which in news is the pair the story is about."""
        for a in args:
            ent = a.state if a.kind == "capital" and a.state else a.entity
            if ent.type == "Country" and a.kind != "both":
                self.state.state_counts[ent.id] = self.state.state_counts.get(ent.id, 0) + 1
                self.state.recent_states.pop(ent.id, None)
                self.state.recent_states[ent.id] = ent

    def sentence_pair(self, args: list[Arg], before: int) -> list[Entity]:
        """The last two states a sentence names before a token, by name, capital,
        demonym or a leader ("Putin congratulated Lukashenko and said the two
        countries ...", "... borders with Poland and Lithuania and does not
        threaten these countries"), or none if it names fewer."""
        states: dict[str, Entity] = {}
        for a in reversed(args):
            if a.end > before or a.kind == "both":
                continue
            ent = a.state if a.kind == "capital" and a.state else a.entity
            if ent.type == "Person":
                ent = self._state_of_person(ent)
            if ent is not None and ent.type == "Country":
                states.setdefault(ent.id, ent)
                if len(states) == 2:
                    return list(states.values())
        return []

    def salient_pair(self) -> list[Entity]:
        """The two states most named so far in the document."""
        recency = {ident: i for i, ident in enumerate(self.state.recent_states)}
        ranked = sorted(self.state.recent_states.values(),
                        key=lambda e: (self.state.state_counts.get(e.id, 0), recency[e.id]), reverse=True)
        return ranked[:2]


@functools.lru_cache(maxsize=8)
def _facts(ontology: Ontology) -> dict[tuple[str, str], tuple[str, ...]]:
    """`ontology.facts_about` for every (subject, relation) at once: the facts
    are read for every place named before another place."""
    index: dict[tuple[str, str], list[str]] = {}
    for subject, relation, obj in ontology.facts:
        index.setdefault((subject, relation), []).append(obj)
    return {key: tuple(objs) for key, objs in index.items()}


@functools.lru_cache(maxsize=65_536)
def _entity_of(ontology: Ontology, ident: str) -> Entity:
    """`individual.entity()`, made once per individual (it sorts the aliases); entities are frozen."""
    return ontology.individuals[ident].entity()


def capitalised(word: str) -> bool:
    """A word of letters that starts with a capital and is not all capitals
    (spaCy's is_alpha, is_upper and is_lower are the str methods of the token's text)."""
    return word.isalpha() and word[:1].isupper() and not word.isupper()


_CAPITALISED: dict[str, bool] = {}  # word -> capitalised(word)
_CAPITALISED_SIZE = 500_000

_CLAUSE_PUNCT = frozenset({";", ":", "—"})
# How a subject was found where it is the subject of a verb (not of a noun, nor a
# passive's agent): a later coordinated verb or purpose clause may share it.
_VERB_SUBJECTS = frozenset({"left", "parser", "pronoun", "relative", "shared", "control", "postverbal",
                            "coordinated-verb"})


def _longest(spans: list) -> list:
    """Longest matches first, dropping any that overlap a longer one; in text order.

    `spans` come as `PhraseSet.spans` gives them, sorted by start, end and
    payload: a stable sort by length and start keeps equal ones in payload order."""
    if len(spans) < 2:
        return list(spans)
    spans = sorted(spans, key=_length_start)
    taken: set[int] = set()
    out = []
    for m in spans:
        cover = range(m[0], m[1])
        if not taken.isdisjoint(cover):
            continue
        taken.update(cover)
        out.append(m)
    out.sort(key=lambda m: m[0])
    return out


def _length_start(match: tuple) -> tuple[int, int]:
    return match[0] - match[1], match[0]
