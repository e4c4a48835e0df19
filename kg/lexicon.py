"""Load the per-language lexicons (ontology/lexicons/<lang>.yaml).

A lexicon says how one language expresses the relations: trigger words, the
prepositions that introduce the object, and the cue words for negation,
modality, reported speech, clause structure, roles and state bodies. The
format is documented in ontology/lexicons/README.md; this module rejects
unknown keys and relation names, naming the file and the line.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import LexiconError
from .ontology import DEFAULT_ONTOLOGY_DIR

#: The cue lists a lexicon may give, each a list of words or phrases.
CUE_KINDS: frozenset[str] = frozenset({
    "negation",          # words before the trigger that deny it ("not", "tidak", "не")
    "negation_after",    # words just after the trigger that deny it (French "pas")
    "negating_words",    # verbs that deny what follows ("ruled out", "exclure")
    "hypothetical",      # could, if, may ("dapat", "si", "может")
    "future",            # will ("akan", "будет")
    "speech",            # verbs introducing reported speech ("said", "a déclaré")
    "speech_after",      # markers after a quote ("kata", "a-t-il déclaré")
    "complementizers",   # "that" after a speech verb ("bahwa", "que", "что")
    "agent_preps",       # the passive agent ("by", "oleh", "par")
    "coordinators",      # "and", "or" ("dan", "et", "и")
    "clause_breaks",     # words that start a new clause ("but", "tetapi", "mais")
    "relatives",         # relative pronouns whose antecedent is the subject ("which", "yang", "qui")
    "plural_pronouns",   # "they", "mereka", "ils", "они": a coordinated subject or a group named before
    "border",            # the noun "border" ("perbatasan", "frontière", "граница")
    "pronouns",          # subject pronouns resolved to the previous subject
    "both",              # "both countries": the two states last named
    "source_preps",      # "from" for violatesBorderOf / attacks origin ("dari", "depuis")
    "possessive",        # "'s": "Russia's invasion", "Russia's Kursk region"
})

#: What a trigger entry may say.
ENTRY_KEYS: frozenset[str] = frozenset({"words", "preps", "object", "subject", "reach", "swap", "confidence",
                                        "border", "note"})


@dataclass(frozen=True)
class Trigger:
    """One way of expressing a relation: words plus where the arguments are."""

    relation: str
    words: tuple[tuple[str, ...], ...]  # alternatives, each a sequence; "..." is a gap
    preps: tuple[str, ...] = ()  # the object follows one of these
    object_side: str = "after"  # after | before | none (symmetric, coordinated subject)
    subject_side: str = "before"  # before | after (nominal: "invasion of X") | source ("from X")
    reach: str = "clause"  # clause | sentence: how far the object may be looked for
    swap: bool = False  # emit (object, relation, subject)
    confidence: float = 0.7
    border: bool = True  # a border word before the object turns it into reinforcesBorderWith
    line: int = 0


@dataclass(frozen=True)
class Lexicon:
    """Everything a language profile needs to read relations."""

    language: str
    triggers: tuple[Trigger, ...]
    cues: dict[str, tuple[str, ...]]
    titles: dict[str, tuple[str, ...]]  # leaderOf / officialOf / memberOf -> title words
    bodies: tuple[str, ...]  # state bodies kept as the assertion's agent
    path: str = ""
    free_word_order: bool = False  # subjects may follow the verb (Russian, Ukrainian)

    def cue(self, kind: str) -> tuple[str, ...]:
        """The words of one cue kind (empty if the lexicon gives none)."""
        return self.cues.get(kind, ())


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping, for messages."""


class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same over libyaml's parser where PyYAML has it: ten times faster, and
    lexicons are read at every start."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _words(value, path: str, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split("|")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(path, "expected a list of words or a 'a | b | c' string", line)
    return tuple(v.strip() for v in value if v.strip())


def _entry(relation: str, raw, path: str, relations: frozenset[str]) -> Trigger:
    if isinstance(raw, str):
        raw = {"words": raw, "__line__": 0}
    if not isinstance(raw, dict):
        raise LexiconError(path, f"{relation}: an entry must be a mapping or a string")
    line = raw.get("__line__", 0)
    unknown = set(raw) - ENTRY_KEYS - {"__line__"}
    if unknown:
        raise LexiconError(path, f"{relation}: unknown key(s) {sorted(unknown)}; allowed: {sorted(ENTRY_KEYS)}", line)
    if "words" not in raw:
        raise LexiconError(path, f"{relation}: entry without 'words'", line)
    side = raw.get("object", "after")
    if side not in ("after", "before", "none"):
        raise LexiconError(path, f"{relation}: object must be after, before or none, not {side!r}", line)
    subject_side = raw.get("subject", "before")
    if subject_side not in ("before", "after", "source"):
        raise LexiconError(path, f"{relation}: subject must be before, after or source, not {subject_side!r}", line)
    reach = raw.get("reach", "clause")
    if reach not in ("clause", "sentence"):
        raise LexiconError(path, f"{relation}: reach must be clause or sentence, not {reach!r}", line)
    conf = raw.get("confidence", 0.7)
    if not isinstance(conf, (int, float)) or not 0 <= conf <= 1:
        raise LexiconError(path, f"{relation}: confidence must be a number in [0, 1]", line)
    return Trigger(
        relation=relation,
        words=tuple(tuple(w.split()) for w in _words(raw["words"], path, line)),
        preps=_words(raw.get("preps", []), path, line),
        object_side=side,
        subject_side=subject_side,
        reach=reach,
        swap=bool(raw.get("swap", False)),
        confidence=float(conf),
        border=bool(raw.get("border", True)),
        line=line,
    )


def parse_lexicon(text: str, path: str, relations: frozenset[str]) -> Lexicon:
    """Parse lexicon YAML text; `relations` are the names the ontology defines."""
    try:
        try:
            data = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError:
            # Read again by the pure-Python parser, whose messages say more.
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LexiconError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                           mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict) or "language" not in data:
        raise LexiconError(path, "a lexicon is a mapping with at least 'language'")
    unknown = set(data) - {"language", "relations", "cues", "titles", "bodies", "free_word_order", "__line__"}
    if unknown:
        raise LexiconError(path, f"unknown top-level key(s) {sorted(unknown)}")
    triggers: list[Trigger] = []
    for relation, entries in (data.get("relations") or {}).items():
        if relation == "__line__":
            continue
        if relation not in relations:
            raise LexiconError(path, f"unknown relation {relation!r} (not in the ontology)",
                               (data.get("relations") or {}).get("__line__"))
        for raw in entries or []:
            triggers.append(_entry(relation, raw, path, relations))
    cues: dict[str, tuple[str, ...]] = {}
    for kind, words in (data.get("cues") or {}).items():
        if kind == "__line__":
            continue
        if kind not in CUE_KINDS:
            raise LexiconError(path, f"unknown cue kind {kind!r}; allowed: {sorted(CUE_KINDS)}",
                               data["cues"].get("__line__"))
        cues[kind] = _words(words, path, data["cues"].get("__line__", 0))
    titles: dict[str, tuple[str, ...]] = {}
    for relation, words in (data.get("titles") or {}).items():
        if relation == "__line__":
            continue
        if relation not in relations:
            raise LexiconError(path, f"titles: unknown relation {relation!r}", data["titles"].get("__line__"))
        titles[relation] = _words(words, path, data["titles"].get("__line__", 0))
    return Lexicon(
        language=str(data["language"]),
        triggers=tuple(triggers),
        cues=cues,
        titles=titles,
        bodies=_words(data.get("bodies") or [], path, 0),
        path=path,
        free_word_order=bool(data.get("free_word_order", False)),
    )


@functools.lru_cache(maxsize=16)
def load_lexicon(lang: str, relations: frozenset[str],
                 directory: Path | str = DEFAULT_ONTOLOGY_DIR / "lexicons") -> Lexicon:
    """Load ontology/lexicons/<lang>.yaml."""
    path = Path(directory) / f"{lang}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LexiconError(str(path), f"no lexicon for language {lang!r}") from exc
    except UnicodeDecodeError as exc:
        raise LexiconError(str(path), "not UTF-8 text") from exc
    lexicon = parse_lexicon(text, str(path), relations)
    if lexicon.language != lang:
        raise LexiconError(str(path), f"says language {lexicon.language!r}, expected {lang!r}")
    return lexicon
