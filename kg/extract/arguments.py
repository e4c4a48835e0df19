"""How a trigger finds its arguments: the clause around it, its subjects and
objects, and the names coordinated with them.

`ArgumentRules` is the half of `rules.SentenceRules` that reads argument
structure; `SentenceRules` holds what these read (the sentence's cue index,
token columns, the slot test `_fit`) and the rules that use them (roles,
qualifiers, the sentence loop). The split follows that seam: everything here
answers "which mentions fill this trigger's slots", nothing here decides a
relation's polarity or modality. (The subject read off a dependency parse,
for French, stays with the doc in `SentenceRules._parser_subject`.)
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from ..lexicon import Trigger
from ..model import Entity
from ..ontology import Ontology
from .patterns import GAP, TokenKeys

if TYPE_CHECKING:
    from .rules import CompiledLexicon, DocState

# Collectives a plural pronoun may stand for: "they" after "Wagner's fighters".
GROUP_TYPES = frozenset({"ArmedGroup", "Alliance", "Organisation", "GovernmentBody"})

_JOINER_PUNCT = frozenset({",", "(", ")", "«", "»", '"'})
# A relative pronoun, a clause break or a verb of saying ends a coordination.
_NOT_JOINERS = frozenset({"relatives", "clause_breaks", "complementizers", "speech", "speech_after"})


@dataclass
class Arg:
    """A mention as a candidate argument."""

    entity: Entity
    start: int
    end: int
    kind: str  # name | demonym | metonym | capital | both
    state: Entity | None = None  # the state a capital or person stands for
    agent: str | None = None


class ArgumentRules:
    """Clause bounds, coordination, subjects and objects of the triggers of one
    sentence (a base of `rules.SentenceRules`, which sets what is declared here)."""

    ont: Ontology
    lex: CompiledLexicon
    doc: Doc
    keys: TokenKeys
    text: list[str]  # token columns: no Token objects in the rules
    punct: list[bool]
    stop: list[bool]
    parsed: bool
    state: DocState
    title_tokens: set[int]
    _bounds: tuple[int, int]  # the current sentence
    _single: dict[int, set[str]]
    _breaks: list[int] | None
    _clause_punct: list[int]
    _commas: list[int] | None
    _doc_commas: list[int] | None
    _trigger_starts: frozenset[int]
    _verb_subjects: list[tuple[int, list[Arg], list[Arg]]]
    _sentence_args: list[Arg]

    if TYPE_CHECKING:  # defined by SentenceRules
        def _cues(self, kind: str, start: int, end: int) -> list[tuple[int, int]]: ...

        def _has_cue(self, kind: str, start: int, end: int) -> bool: ...

        def _fit(self, arg: Arg, relation: str, side: str) -> Entity | None: ...

        def salient_pair(self) -> list[Entity]: ...

        def _parser_subject(self, args: list[Arg], ts: int, te: int) -> list[Arg]: ...

    # ---------------------------------------------------------------- mentions
    def coordinated(self, args: list[Arg], anchor: Arg, direction: int) -> list[Arg]:
        """`anchor` plus the arguments joined to it by commas and coordinators."""
        group = [anchor]
        ordered = sorted(args, key=lambda a: a.start)
        idx = ordered.index(anchor)
        while 0 <= idx + direction < len(ordered):
            nxt = ordered[idx + direction]
            lo, hi = (nxt.end, group[-1].start) if direction < 0 else (group[-1].end, nxt.start)
            between = range(lo, hi)
            if nxt.start == group[-1].start:  # "both countries": two states on one span
                group.append(nxt)
                idx += direction
                continue
            if len(between) > 6 or not all(self._is_joiner(k) for k in between):
                break
            if self._trigger_starts and not self._trigger_starts.isdisjoint(between):
                break  # "a member of NATO and has been Russia's ally": a verb ends the list
            if (nxt.entity.type == "Person") != (anchor.entity.type == "Person"):
                break  # "Poland, Lithuania and Latvia", "Putin and Lukashenko": like joins like
            if not any(self.text[k] == "," or self._has_cue("coordinators", k, k + 1) for k in between) \
                    and len(between) > 0:
                break
            if len(between) == 0:
                break
            group.append(nxt)
            idx += direction
        return group

    def _is_joiner(self, k: int) -> bool:
        """Tokens that may stand between coordinated names; a relative pronoun,
        a clause break or a verb of saying ends the coordination."""
        lo, hi = self._bounds
        if lo <= k < hi:
            kinds = self._single.get(k)
            if kinds is not None:
                if "coordinators" in kinds:
                    return True
                if not kinds.isdisjoint(_NOT_JOINERS):
                    return False
        else:
            if self._has_cue("coordinators", k, k + 1):
                return True
            if any(self._has_cue(kind, k, k + 1) for kind in _NOT_JOINERS):
                return False
        return self.text[k] in _JOINER_PUNCT or self.stop[k] or k in self.title_tokens

    # ---------------------------------------------------------------- clauses
    def clause(self, sent: Span, start: int, end: int) -> tuple[int, int]:
        """The token bounds of the clause around [start, end)."""
        breaks = self._breaks
        if breaks is None:
            found = set(self._clause_punct)
            for kind in ("clause_breaks", "complementizers", "relatives"):
                for s, _ in self._cues(kind, sent.start, sent.end):
                    found.add(s)
            breaks = self._breaks = sorted(found)
        at = bisect_left(breaks, start)
        left = max(breaks[at - 1], sent.start) if at else sent.start
        at = bisect_left(breaks, end, at)
        right = min(breaks[at], sent.end) if at < len(breaks) else sent.end
        if left <= sent.start + 1 and self._has_cue("clause_breaks", left, left + 1):
            # A fronted subordinate clause ("Meskipun tidak mengirim ..., Lukashenko ...",
            # "Although ..., Minsk ...") ends at its first comma.
            commas = [k for k in range(end, right) if self.text[k] == ","]
            if commas:
                right = commas[0]
        return left, right

    def _starts_with_relative(self, left: int) -> bool:
        return self._has_cue("relatives", left, left + 1)

    def subjects(self, sent: Span, args: list[Arg], ts: int, te: int, left: int, right: int,
                 trig: Trigger, prev_subject: list[Arg] | None) -> tuple[list[Arg], str]:
        """The subject group of a trigger and how it was found."""
        if trig.swap:
            # Converse wording: the grammatical subject fills the relation's object slot.
            fit = lambda a, rel, side: self._fit(a, rel, "object" if side == "subject" else "subject")  # noqa: E731
            return self._subjects(sent, args, ts, te, left, right, trig, prev_subject, fit)
        return self._subjects(sent, args, ts, te, left, right, trig, prev_subject, self._fit)

    def _subjects(self, sent: Span, args: list[Arg], ts: int, te: int, left: int, right: int,
                  trig: Trigger, prev_subject: list[Arg] | None, fit) -> tuple[list[Arg], str]:
        if trig.subject_side == "after":
            # A nominal trigger: its actor is a possessor or adjective right before
            # it ("Russia's invasion", "российское вторжение") or follows it
            # ("invasi Ukraina ke Kursk", "le déploiement de la Russie").
            poss = self._cues("possessive", ts - 1, ts)
            edge = poss[0][0] if poss else ts
            own = [a for a in args if a.end == edge and (poss or a.kind == "demonym")
                   and fit(a, trig.relation, "subject")]
            if own:
                return [own[-1]], "possessor"
            nxt = [a for a in args if te <= a.start <= te + 2 and fit(a, trig.relation, "subject")
                   and not any(self.punct[te:a.start])]
            return ([nxt[0]], "after") if nxt else ([], "")
        if trig.subject_side == "source":
            # "crossed the border from Ukraine": the actor is where it came from.
            for _, pe in self._cues("source_preps", te, right):
                nxt = [a for a in args if pe <= a.start <= pe + 3 and fit(a, trig.relation, "subject")]
                if nxt:
                    return [nxt[0]], "source"
        passive = self._agent(args, te, right, trig.relation, fit)
        if passive:
            return passive, "passive"
        if self.parsed:
            found = self._parser_subject(args, ts, te)
            if found:
                return found, "parser"
        before = [a for a in args if left <= a.start and a.end <= ts and fit(a, trig.relation, "subject")]
        if before:
            anchor = before[-1]
            group = self._parenthetical_subjects(args, anchor, ts, trig.relation, fit)
            if group:
                return group, "left"
            inherited = self._inherited_subject(args, anchor, left, ts, trig.relation, fit)
            if inherited is not None:
                return inherited
            return self.coordinated([a for a in args if a.end <= ts], anchor, -1), "left"
        if self._starts_with_relative(left):
            antecedent = [a for a in args if a.end <= left and fit(a, trig.relation, "subject")]
            if antecedent:
                return [antecedent[-1]], "relative"
        if self._has_cue("plural_pronouns", left, ts):
            group = self._plural_antecedent(ts, trig.relation, fit)
            if group:
                return group, "pronoun"
        if self._has_cue("pronouns", left, ts):
            speech = self._cues("speech", sent.start, left + 1)
            if speech:
                said = self._subject_before(args, speech[-1][0], trig.relation, fit)
                if said:
                    return said, "pronoun"
            if self.state.last_subject:
                return list(self.state.last_subject), "pronoun"
        if prev_subject:
            return prev_subject, "coordinated-verb"
        after = [a for a in args if a.start >= right and fit(a, trig.relation, "subject")]
        if after and right < sent.end and self.text[right] == ",":
            return [after[0]], "fronted-clause"
        if self.lex.lexicon.free_word_order:
            # Russian and Ukrainian put the subject after the verb when the
            # object or an adverbial comes first: "передать Киеву обещала Великобритания".
            later = [a for a in args if te <= a.start < right and fit(a, trig.relation, "subject")]
            if len(later) >= 2 or (later and any(a.end <= ts for a in args if left <= a.start)):
                return [later[-1]], "postverbal"
        return [], ""

    def _inherited_subject(self, args: list[Arg], anchor: Arg, left: int, ts: int, relation: str,
                           fit) -> tuple[list[Arg], str] | None:
        """The subject a verb shares with an earlier verb, where the name nearest
        before it is that verb's object, or None to keep the nearest name.

        - A coordinated verb: "Ukraine accused Belarus ... and warned Minsk",
          "Russia moved troops to Belarus and deployed missiles": the subject of
          the verb before the coordinator.
        - An infinitive: after a control verb its object is the subject ("allowed
          Moscow to use ..."); otherwise it is a purpose clause whose subject is
          the earlier verb's ("used Belarusian territory to launch its invasion").
        """
        lo = anchor.end
        if lo >= ts:
            return None
        joint = None
        marker = self._cues("infinitive", lo, ts)
        marker = marker if marker and ts - marker[-1][1] <= GAP else []
        if marker:
            joint = marker[-1][0]
            if self._has_cue("control", max(self._bounds[0], anchor.start - 3), anchor.start):
                return [anchor], "control"
        if joint is None:
            joints = self._cues("coordinators", lo, ts)
            if not joints:
                return None
            joint = joints[-1][0]
        if any(joint < a.start < ts for a in args):
            return None  # "... and Lithuania closed": a subject of its own
        ident = anchor.entity.id
        # Only an earlier verb of the clause ("..., and said that Moscow would continue
        # to back Minsk" shares nothing) whose own object the name is (or its
        # repetition, "the CSTO (ODKB)"): in "if Kyiv decided to attack", Kyiv is
        # the subject of a verb that is no trigger.
        verbs = [v for v in self._verb_subjects if left <= v[0] < anchor.start]
        if not any(o.entity.id == ident for v in verbs for o in v[2]):
            return None
        if marker:
            # The purpose clause belongs to the verb whose object the name is.
            subjects = next(v[1] for v in reversed(verbs) if any(o.entity.id == ident for o in v[2]))
        else:
            # A coordinated verb shares the subject of the clause's first verb, not
            # of a verb inside its object ("accused Belarus of massing troops ... and warned").
            subjects = verbs[0][1]
        if all(a.entity.id != ident and fit(a, relation, "subject") for a in subjects):
            return list(subjects), "shared"
        return None

    def _parenthetical_head(self, args: list[Arg], anchor: Arg, ts: int) -> Arg | None:
        """The name a parenthesis between commas is about, where the nearest name
        before a verb stands inside it: "Lithuania, which also borders Belarus,
        said ...", "Lukashenko, an ally of Putin, deployed ..."; None otherwise."""
        if anchor.end >= ts:
            return None  # no room for the closing comma between the name and the verb
        commas = self._commas
        if commas is None:
            lo, hi = self._bounds
            every = self._doc_commas
            if every is None:
                every = self._doc_commas = [k for k in self.keys.positions.get(",", ()) if self.text[k] == ","]
            commas = self._commas = every[bisect_left(every, lo):bisect_left(every, hi)]
        at = bisect_left(commas, ts)
        if not at or commas[at - 1] < anchor.end or ts - commas[at - 1] > 3:
            return None  # the parenthesis closes right before the verb
        close = commas[at - 1]
        at = bisect_left(commas, anchor.start)
        if not at:
            return None
        opening = commas[at - 1]
        head = [a for a in args if a.end == opening]
        if not head:
            return None
        inside = [a for a in args if opening < a.start < close]
        named = {k for a in inside for k in range(a.start, a.end)}
        if all(k in named or self._is_joiner(k) for k in range(opening + 1, close)):
            return None  # a list of names ("Poland, Lithuania and Latvia, ..."), no parenthesis
        return head[-1]

    def _parenthetical_subjects(self, args: list[Arg], anchor: Arg, ts: int, relation: str, fit) -> list[Arg]:
        """The subjects of a verb after a parenthesis (see `_parenthetical_head`):
        its head, and the names of an inclusive parenthesis ("Lithuania, like
        Poland and Latvia, is a member of NATO")."""
        head = self._parenthetical_head(args, anchor, ts)
        if head is None or not fit(head, relation, "subject"):
            return []
        group = self.coordinated([a for a in args if a.end <= head.end], head, -1)
        joint = self._cues("coordinators", head.end, anchor.start)
        first = next((a for a in args if a.start > head.end), None)
        if joint and first is not None and joint[0][0] < first.start:
            group += [a for a in self.coordinated([a for a in args if a.end <= ts], anchor, -1)
                      if a not in group and fit(a, relation, "subject")]
        return group

    def _subject_before(self, args: list[Arg], pos: int, relation: str, fit) -> list[Arg]:
        """Who speaks at a verb of saying at `pos`: the nearest fitting name before
        it, or, where that name is the object of a verb coordinated with "said"
        ("Minsk denied plans to attack Ukraine and said its units ..."), the
        subject of that verb."""
        said = [a for a in args if a.end <= pos and fit(a, relation, "subject")]
        if not said:
            return []
        group = self._parenthetical_subjects(args, said[-1], pos, relation, fit)
        if group:
            return group
        inherited = self._inherited_subject(args, said[-1], self._bounds[0], pos, relation, fit)
        return inherited[0] if inherited is not None else [said[-1]]

    def _plural_antecedent(self, ts: int, relation: str, fit) -> list[Arg]:
        """What "they" stands for: the last subject if it was several actors
        ("Poland and Lithuania said they would ..."), else the nearest group named
        before it in the sentence ("Prigozhin told his fighters that they would not
        take part in the war": Wagner's fighters). Nothing else is guessed."""
        last = self.state.last_subject
        if len(last) > 1 and all(fit(a, relation, "subject") for a in last):
            return list(last)
        groups = [a for a in self._sentence_args if a.end <= ts and a.entity.type in GROUP_TYPES
                  and fit(a, relation, "subject")]
        return groups[-1:]

    def _agent(self, args: list[Arg], te: int, right: int, relation: str, fit) -> list[Arg]:
        """The agent of a passive: "dikecam oleh Barat", "condemned by the EU"."""
        for _, pe in self._cues("agent_preps", te, min(right, te + 4)):
            nxt = [a for a in args if pe <= a.start <= pe + 2 and fit(a, relation, "subject")]
            if nxt:
                return [nxt[0]]
        return []

    def objects(self, sent: Span, args: list[Arg], subjects: list[Arg], ts: int, te: int,
                right: int, trig: Trigger, how: str = "") -> tuple[list[Arg], bool]:
        """The object group of a trigger, and whether a border word stood before it."""
        taken = {a.start for a in subjects}
        if trig.object_side == "none":
            return [], False
        slot = "subject" if trig.swap else "object"
        fits = lambda a: (self._fit(a, trig.relation, slot) is not None  # noqa: E731
                          or (trig.border and not trig.swap
                              and self._fit(a, "reinforcesBorderWith", "object") is not None))
        if trig.object_side == "before" or how == "passive":
            # Passive ("Y was condemned by X"): the object stands before the trigger.
            cands = [a for a in args if a.end <= ts and a.start not in taken and fits(a)]
            return ([cands[-1]] if cands else []), False
        limit = sent.end if trig.reach == "sentence" else right
        # Objects may sit inside a gapped trigger ("menggunakan Belarus sebagai landasan").
        window = [a for a in args if ts < a.start < limit and a.start not in taken
                  and not (trig.subject_side == "after" and subjects and a.start <= subjects[0].start)]
        chosen: list[Arg] = []
        if trig.preps:
            stops = [s for s, _ in self._cues("clause_breaks", te, sent.end)]
            stop = min(stops + [sent.end])
            for _, pe in self._prep_spans(trig, te, right):
                cand = [a for a in args if pe <= a.start <= pe + 6 and a.start < stop and a.start not in taken
                        and fits(a)]
                if cand and cand[0] not in chosen:
                    chosen.append(cand[0])
        else:
            first = next((a for a in window if fits(a)), None)
            chosen = [first] if first else []
        if not chosen:
            chosen = (self._anaphoric_object(subjects, te, right, trig, fits)
                      or self._possessive_object(sent, args, subjects, ts, trig, fits))
        if not chosen and trig.reach == "sentence":
            before = [a for a in args if a.end <= ts and a.start not in taken and fits(a)]
            chosen = before[-1:]
        if not chosen:
            return [], False
        chosen = [self._possessed_place(args, c, fits) for c in chosen]
        group: list[Arg] = []
        for c in chosen:
            if c.kind == "anaphor":
                group.append(c)  # no name of the sentence, so nothing coordinated with it
                continue
            for a in self.coordinated([a for a in args if a.start >= c.start], c, +1):
                if a not in group:
                    group.append(a)
        # "to its border with Belarus", and "to the Belarusian border", "near the two countries' border".
        first = chosen[0]
        border = trig.border and (self._has_cue("border", te, first.start) or any(
            s in (first.end, first.end + 1) for s, _ in self._cues("border", first.end, first.end + 3)))
        return group, border

    def _anaphoric_object(self, subjects: list[Arg], te: int, right: int, trig: Trigger, fits) -> list[Arg]:
        """A state named by a noun after the trigger's preposition ("stationed in
        the country", "déployés dans le pays"): the last state that was a subject,
        else the state the document names most, other than this subject."""
        nouns = [s for s, e in self._cues("pronouns", te, right) if e - s > 1]
        if not nouns:
            return []  # the common case: no "the country" after the trigger
        starts = [pe for _, pe in self._prep_spans(trig, te, right)] if trig.preps else [te]
        for pe in starts:
            for s, e in self._cues("pronouns", pe, min(pe + 3, right)):
                if e - s < 2 or s > pe + 1:
                    continue  # "it", "its": pronouns of subjects, not nouns
                own = {ent.id for a in subjects if (ent := self._fit(a, trig.relation, "subject")) is not None}
                states = [a.state if a.kind == "capital" and a.state else a.entity for a in self.state.last_subject]
                for ent in states + self.salient_pair():
                    if ent.type == "Country" and ent.id not in own:
                        arg = Arg(ent, s, e, "anaphor")
                        return [arg] if fits(arg) else []
                return []
        return []

    def _possessive_object(self, sent: Span, args: list[Arg], subjects: list[Arg], ts: int, trig: Trigger,
                           fits) -> list[Arg]:
        """The owner of a relational noun after a possessive pronoun, where no
        object follows ("... if Poland attacked Belarus, its closest ally"): who
        speaks in the sentence, else the last subject, other than this subject."""
        # An apposition to the subject ("X, its ally"; "it warned" is a subject
        # pronoun), of a symmetric relation: "its ally", "its partner" name the other party.
        if not subjects or not self.ont.relations[trig.relation].symmetric:
            return []
        pronoun = self._cues("pronouns", max(self._bounds[0], ts - 1), ts)
        comma = pronoun[0][0] - 1 if pronoun else -1
        if comma < self._bounds[0] or self.text[comma] != "," or not any(a.end == comma for a in subjects):
            return []
        own = {a.entity.id for a in subjects}
        speech = self._cues("speech", sent.start, ts)
        said = self._subject_before(args, speech[-1][0], "", lambda a, relation, side: True) if speech else []
        for arg in said + self.state.last_subject:
            ent = arg.state if arg.kind == "capital" and arg.state else arg.entity
            found = Arg(ent, ts, ts, "anaphor", arg.state)
            if ent.id not in own and fits(found):
                return [found]
        return []

    def _possessed_place(self, args: list[Arg], owner: Arg, fits) -> Arg:
        """The place a possessor introduces, as the object: "an incursion into
        Russia's Kursk region" is into the Kursk region (which lies in Russia)."""
        kinds = self._single.get(owner.end)
        if not kinds or "possessive" not in kinds:
            return owner
        place = next((a for a in args if a.start == owner.end + 1), None)
        if (place is not None and place.entity.type in ("Region", "City", "MilitarySite") and fits(place)
                and self.ont.fits("locatedIn", place.entity.type, owner.entity.type)):
            return place
        return owner

    def _prep_spans(self, trig: Trigger, start: int, end: int) -> list[tuple[int, int]]:
        ps = self.lex.preps[id(trig)]
        return [(s, e) for s, e, _ in ps.spans(self.keys, start, end)]
