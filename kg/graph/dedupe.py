"""Deduplicate entities the ontology lacks, across documents and languages.

Extraction mints an entity for a name the ontology does not know
("new/Person/Ivan_Petrov"), keyed by its folded spelling, so "Ivan Petrov",
"Иван Петров", "Іван Петров" and "Ivan Petroff" arrive as four entities. This
module decides which of them are one, by these rules, in this order:

1. ``override``: the analyst's ``same:`` groups in ontology/merges.yaml.
2. ``ontology-alias``: a new entity whose name equals (exact key) a label of
   exactly one ontology individual of the same type becomes that individual.
3. ``exact``: equal exact keys (case, accents, punctuation ignored).
4. ``transliteration``: equal transliteration keys (ontology/names.yaml).
5. ``fuzzy``: same token count; surnames equal or, when both are at least
   7 letters long, one edit apart (a feminine "-a" is not an edit); every
   other token equal, one given name in the table of ontology/names.yaml, or
   (when the table lacks one of them) one edit apart in 5+ letters with the
   same initial; and a rapidfuzz ratio of at least 80 over the whole key.
   Clusters join only if *every* pair across them passes (complete linkage),
   so a chain of near names never drags two different people together.

Whatever the rule, entities of different types are never merged, two
ontology individuals are never merged, a new entity joins an ontology
individual only by rule 1 or 2, and the ``different:`` pairs of merges.yaml
are never merged. False merges are worse than missed ones: each threshold
errs on the side of keeping names apart.

Every decision depends on the set of entities only, never on their order: the
entities are visited sorted by id and the canonical id of a cluster is chosen
by a sort key, so the same corpus gives the same ids in any article order.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..errors import DataFileError
from ..model import Entity
from ..ontology import DEFAULT_ONTOLOGY_DIR, Ontology
from .names import NameTables, compose_yaml

DEFAULT_MERGES_FILE = DEFAULT_ONTOLOGY_DIR / "merges.yaml"

OVERRIDE, ONTOLOGY_ALIAS, EXACT, TRANSLITERATION, FUZZY = (
    "override", "ontology-alias", "exact", "transliteration", "fuzzy")
#: The merge rules, strongest first, as recorded on each merge.
MERGE_RULES: tuple[str, ...] = (OVERRIDE, ONTOLOGY_ALIAS, EXACT, TRANSLITERATION, FUZZY)

#: A surname may differ by one edit only from this length on: in shorter ones
#: one letter is often the whole difference between two families (Popov/Popkov).
MIN_SURNAME_FOR_EDIT = 7
#: The same for given names the table of ontology/names.yaml lacks.
MIN_GIVEN_NAME_FOR_EDIT = 5
#: The rapidfuzz ratio (0-100) the whole transliteration key must reach.
MIN_FUZZY_SCORE = 80.0


@dataclass(frozen=True)
class EntityMerge:
    """One entity merged into another, and why: what `kg entities --merges` lists."""

    canonical: str  # the id that stays
    merged: str  # the id that went
    name: str  # the merged entity's label
    type: str
    rule: str  # one of MERGE_RULES
    score: float | None = None  # rapidfuzz ratio of the names' transliteration keys (fuzzy only)


@dataclass(frozen=True)
class MergeRules:
    """The analyst's overrides from ontology/merges.yaml."""

    same: tuple[tuple[tuple[str, ...], int], ...] = ()  # (names or ids, line)
    different: tuple[tuple[tuple[str, str], int], ...] = ()  # (pair, line)
    path: str = ""

    def error(self, reason: str, line: int | None) -> DataFileError:
        """A DataFileError pointing at an entry of this file."""
        return DataFileError(self.path or "merges", reason, line)


_MERGE_SECTIONS = frozenset({"same", "different"})


def parse_merge_rules(text: str, path: str, tables: NameTables) -> MergeRules:
    """Parse the YAML text of a merges file; raises DataFileError naming the file and line."""
    root = compose_yaml(text, path)
    if root is None:
        return MergeRules(path=path)
    if not isinstance(root, yaml.MappingNode):
        raise DataFileError(path, "expected a mapping with 'same:' and/or 'different:' lists", root.start_mark.line + 1)
    sections: dict[str, list[tuple[tuple[str, ...], int]]] = {"same": [], "different": []}
    for key, value in root.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if name not in _MERGE_SECTIONS:
            raise DataFileError(path, f"unknown section {name!r}; allowed: 'same', 'different'", key.start_mark.line + 1)
        if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
            continue  # an empty section
        if not isinstance(value, yaml.SequenceNode):
            raise DataFileError(path, f"{name}: expected a list of [name, name, ...] entries", value.start_mark.line + 1)
        for item in value.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.SequenceNode) or not all(
                    isinstance(v, yaml.ScalarNode) and str(v.value).strip() for v in item.value):
                raise DataFileError(path, f"{name}: each entry is a list of names or entity ids, "
                                          "like [Pavel Latushko, Павел Латушко]", line)
            names = tuple(str(v.value).strip() for v in item.value)
            if name == "same" and len(names) < 2:
                raise DataFileError(path, "same: an entry needs at least two names", line)
            if name == "different" and len(names) != 2:
                raise DataFileError(path, f"different: an entry is a pair of two names, not {len(names)}", line)
            if name == "different" and _ref_key(names[0], tables) == _ref_key(names[1], tables):
                raise DataFileError(path, f"different: {names[0]!r} and {names[1]!r} are the same name once case "
                                          "and accents are ignored; give entity ids (see `kg entities --merges`)",
                                    line)
            sections[name].append((names, line))
    rules = MergeRules(tuple(sections["same"]), tuple(((p[0], p[1]), line) for p, line in sections["different"]), path)
    for (a, b), line in rules.different:
        for names, same_line in rules.same:
            keys = {_ref_key(n, tables) for n in names}
            if _ref_key(a, tables) in keys and _ref_key(b, tables) in keys:
                raise DataFileError(path, f"different: {a!r} and {b!r} are also in the 'same' group of line "
                                          f"{same_line}; keep one of the two entries", line)
    return rules


def _ref_key(ref: str, tables: NameTables) -> str:
    """How an override entry is compared: a new entity's id ("new/Person/...") as
    is, anything else by its exact key (an ontology id is also tried as an id)."""
    return ref if "/" in ref else tables.exact_key(ref)


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int, tables: NameTables) -> MergeRules:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "not UTF-8 text") from exc
    return parse_merge_rules(text, path, tables)


def load_merge_rules(tables: NameTables, path: Path | str = DEFAULT_MERGES_FILE) -> MergeRules:
    """Load a merges file (cached until it changes); a missing file means no overrides."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return MergeRules(path=str(path))
    return _load(str(path), stat.st_mtime_ns, stat.st_size, tables)


# ---------------------------------------------------------------------- resolution
@dataclass
class _Candidate:
    entity: Entity
    exact: frozenset[str]
    translit: frozenset[str]
    documents: int
    present: bool  # in the graph (not an ontology individual only looked up)
    languages: tuple[str, ...] = ()

    @property
    def ontology(self) -> bool:
        return self.entity.in_ontology


@dataclass
class _Clusters:
    """Union-find over entity ids that refuses the unions the rules forbid."""

    candidates: dict[str, _Candidate]
    forbidden: set[frozenset[str]]
    parent: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, list[tuple[str, str, float | None]]] = field(default_factory=dict)  # id -> (other, rule, score)

    def __post_init__(self) -> None:
        self.parent = {i: i for i in self.candidates}
        self.members = {i: [i] for i in self.candidates}

    def find(self, ident: str) -> str:
        while self.parent[ident] != ident:
            self.parent[ident] = self.parent[self.parent[ident]]
            ident = self.parent[ident]
        return ident

    def blocked(self, a: str, b: str, into_ontology: bool) -> str | None:
        """Why clusters a and b may not join (None if they may)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        ma, mb = self.members[ra], self.members[rb]
        if self.candidates[ra].entity.type != self.candidates[rb].entity.type:
            return "of different types"
        onto = [m for m in ma + mb if self.candidates[m].ontology]
        if len(onto) > 1:
            return f"two ontology individuals ({', '.join(sorted(onto))})"
        if onto and not into_ontology:
            return "an ontology individual"
        if self.forbidden:
            for x in ma:
                for y in mb:
                    if frozenset((x, y)) in self.forbidden:
                        return f"forbidden by a 'different' pair ({x}, {y})"
        return None

    def union(self, a: str, b: str, rule: str, score: float | None = None) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra == rb:
            return
        self.links.setdefault(a, []).append((b, rule, score))
        self.links.setdefault(b, []).append((a, rule, score))
        self.parent[rb] = ra
        self.members[ra] = sorted(self.members[ra] + self.members.pop(rb))

    def clusters(self) -> list[list[str]]:
        return sorted(self.members[r] for r in self.members if self.parent[r] == r)


def fuzzy_score(key_a: str, key_b: str, tables: NameTables) -> float | None:
    """The rapidfuzz ratio of two transliteration keys when rule 5 lets them merge, else None."""
    ta, tb = key_a.split(), key_b.split()
    if len(ta) != len(tb) or len(ta) < 2 or key_a == key_b:
        return None
    sa, sb = ta[-1], tb[-1]
    if sa != sb and (min(len(sa), len(sb)) < MIN_SURNAME_FOR_EDIT or sa[0] != sb[0]
                     or Levenshtein.distance(sa, sb) > 1 or sa + "a" == sb or sb + "a" == sa):
        return None  # Petrov/Petrova, Kuznetsov/Kuznetsova are two people
    for ga, gb in zip(ta[:-1], tb[:-1]):
        if ga == gb:
            continue
        group_a, group_b = tables.given_name_group(ga), tables.given_name_group(gb)
        if group_a is not None and group_b is not None:
            if group_a != group_b:
                return None  # two names the table knows apart: Maria, Marina
            continue
        if min(len(ga), len(gb)) < MIN_GIVEN_NAME_FOR_EDIT or ga[0] != gb[0] or Levenshtein.distance(ga, gb) > 1:
            return None
    score = round(fuzz.ratio(key_a, key_b), 1)
    return score if score >= MIN_FUZZY_SCORE else None


@dataclass
class _Scorer:
    """fuzzy_score over sets of keys, each pair of keys scored once."""

    tables: NameTables
    memo: dict[tuple[str, str], float | None] = field(default_factory=dict)

    def pair(self, ka: str, kb: str) -> float | None:
        key = (ka, kb) if ka <= kb else (kb, ka)
        if key not in self.memo:
            self.memo[key] = fuzzy_score(key[0], key[1], self.tables)
        return self.memo[key]

    def best(self, keys_a: frozenset[str], keys_b: frozenset[str]) -> float | None:
        """The best score of any key of one set against any of the other."""
        scores = [s for ka in keys_a for kb in keys_b if (s := self.pair(ka, kb)) is not None]
        return max(scores, default=None)

    def related(self, keys_a: frozenset[str], keys_b: frozenset[str]) -> bool:
        """Equal transliteration keys or a fuzzy match."""
        return bool(keys_a & keys_b) or self.best(keys_a, keys_b) is not None


def _names(entity: Entity) -> tuple[str, ...]:
    return (entity.label, *entity.aliases)


def _is_latin(text: str) -> bool:
    return not any("\u0400" <= c <= "\u04ff" for c in text)


@dataclass(frozen=True)
class Resolution:
    """What deduplication decided: every entity id -> the entity that stands for it."""

    canonical: dict[str, Entity]
    merges: tuple[EntityMerge, ...]
    # The fuzzy matches of each block of keys (see resolve_entities), for the next resolution.
    scores: dict[tuple, list[tuple[float, str, str]]] = field(default_factory=dict, compare=False, repr=False)


def resolve_entities(entities: Mapping[str, Entity], *, tables: NameTables, rules: MergeRules = MergeRules(),
                     ontology: Ontology | None = None,
                     languages: Mapping[str, Iterable[str]] | None = None,
                     documents: Mapping[str, int] | None = None,
                     scores: Mapping[tuple, list[tuple[float, str, str]]] | None = None) -> Resolution:
    """Decide which entities are one (see the module docstring for the rules).

    `languages` gives the languages each id was seen in (to read its name with
    that language's spelling conventions), `documents` how many documents name
    it (the most named spelling becomes the canonical one). `scores` are an
    earlier resolution's `scores` with the same tables: a block of keys it scored
    is not scored again (a rebuild in `kg server` changes few blocks).
    """
    languages = languages or {}
    documents = documents or {}
    cands: dict[str, _Candidate] = {}
    for ident in sorted(entities):
        ent = entities[ident]
        names = _names(ent)
        if ent.in_ontology and ontology is not None and ident in ontology.individuals:
            names = tuple(text for _, text in ontology.individuals[ident].labels) or names
        langs = tuple(sorted(set(languages.get(ident, ()))))
        cands[ident] = _Candidate(
            ent, frozenset(k for n in names if (k := tables.exact_key(n))),
            frozenset(k for n in names for k in tables.translit_keys(n, langs)) if not ent.in_ontology else frozenset(),
            documents.get(ident, 0), True, langs)
    if ontology is not None:  # individuals the graph lacks may still receive a new entity
        for ident, ind in sorted(ontology.individuals.items()):
            if ident not in cands:
                cands[ident] = _Candidate(ind.entity(), frozenset(k for _, t in ind.labels if (k := tables.exact_key(t))),
                                          frozenset(), 0, False)

    def refs(ref: str) -> list[str]:
        if ref in cands:
            return [ref]
        key = tables.exact_key(ref)
        return [i for i, c in cands.items() if key in c.exact]

    forbidden = {frozenset((x, y)) for (a, b), _ in rules.different for x in refs(a) for y in refs(b) if x != y}
    uf = _Clusters(cands, forbidden)

    # 1. The analyst's `same` groups, one merge per type the names resolve to.
    for names, line in rules.same:
        by_type: dict[str, list[str]] = defaultdict(list)
        for ident in sorted({i for n in names for i in refs(n)}):
            by_type[cands[ident].entity.type].append(ident)
        for ids in by_type.values():
            for other in ids[1:]:
                why = uf.blocked(ids[0], other, into_ontology=True)
                if why is not None:
                    raise rules.error(f"same: cannot merge {ids[0]} and {other}: {why}", line)
                uf.union(ids[0], other, OVERRIDE)

    new_ids = [i for i, c in cands.items() if not c.ontology]

    # 2. A new name that is exactly a label of one ontology individual of its type.
    alias_index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ident, c in cands.items():
        if c.ontology:
            for key in c.exact:
                alias_index[(c.entity.type, key)].add(ident)
    for ident in new_ids:
        ent_type = cands[ident].entity.type
        targets = sorted({o for key in cands[ident].exact for o in alias_index.get((ent_type, key), ())})
        if len(targets) == 1 and uf.blocked(ident, targets[0], into_ontology=True) is None:
            uf.union(ident, targets[0], ONTOLOGY_ALIAS)

    # 3-4. Equal exact keys, then equal transliteration keys, among new entities:
    # each joins the first earlier one of its bucket whose cluster accepts it.
    for attr, rule in (("exact", EXACT), ("translit", TRANSLITERATION)):
        buckets: dict[tuple[str, str], list[str]] = defaultdict(list)
        for ident in new_ids:
            for key in getattr(cands[ident], attr):
                buckets[(cands[ident].entity.type, key)].append(ident)
        for _, ids in sorted(buckets.items()):
            for j, other in enumerate(ids):
                for prev in ids[:j]:
                    if uf.find(prev) == uf.find(other):
                        break
                    if uf.blocked(prev, other, into_ontology=False) is None:
                        uf.union(prev, other, rule)
                        break

    # 5. Fuzzy matches between clusters of new entities, best score first, complete
    # linkage. Distinct keys are scored (most entities share their key with others).
    scorer = _Scorer(tables)
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ident in new_ids:
        for key in cands[ident].translit:
            by_key[(cands[ident].entity.type, key)].append(ident)
    blocks: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for ent_type, key in sorted(by_key):
        words = key.split()
        if len(words) >= 2:
            blocks[(ent_type, len(words), words[-1][0])].append(key)
    found: list[tuple[float, str, str, str]] = []
    scored: dict[tuple, list[tuple[float, str, str]]] = {}
    for (ent_type, _, _), keys in sorted(blocks.items()):
        block = (ent_type, *keys)
        matches = (scores or {}).get(block)
        if matches is None:
            matches = [(score, ka, kb) for i, ka in enumerate(keys) for kb in keys[i + 1:]
                       if (score := scorer.pair(ka, kb)) is not None]
        scored[block] = matches
        for score, ka, kb in matches:
            scorer.memo[(ka, kb)] = score  # keys are sorted within a block: (ka, kb) is the pair's key
            found.append((-score, ent_type, ka, kb))
    for neg_score, ent_type, ka, kb in sorted(found):
        for a in by_key[(ent_type, ka)]:
            for b in by_key[(ent_type, kb)]:
                ra, rb = uf.find(a), uf.find(b)
                if ra == rb or uf.blocked(a, b, into_ontology=False) is not None:
                    continue
                keysets_a = {cands[x].translit for x in uf.members[ra]}
                keysets_b = {cands[y].translit for y in uf.members[rb]}
                if all(scorer.related(x, y) for x in keysets_a for y in keysets_b):
                    uf.union(a, b, FUZZY, -neg_score)

    resolution = _resolution(uf, cands, scorer)
    resolution.scores.update(scored)
    return resolution


def _resolution(uf: _Clusters, cands: dict[str, _Candidate], scorer: _Scorer) -> Resolution:
    canonical: dict[str, Entity] = {}
    merges: list[EntityMerge] = []
    for members in uf.clusters():
        present = [m for m in members if cands[m].present]
        if not present:
            continue
        onto = [m for m in members if cands[m].ontology]
        if onto:
            head = onto[0]
            target = cands[head].entity
        else:
            # The most used Latin spelling names the node, then one seen in English; then the smallest id.
            head = min(members, key=lambda m: (not _is_latin(cands[m].entity.label), -cands[m].documents,
                                               "en" not in cands[m].languages, m))
            aliases = sorted({n for m in members for n in _names(cands[m].entity)} - {cands[head].entity.label})
            target = replace(cands[head].entity, aliases=tuple(aliases))
        paths = _paths(uf, head)
        for m in present:
            canonical[m] = target
            if m != head:
                rule, score = _why(cands[m], cands[head], paths[m], scorer)
                merges.append(EntityMerge(head, m, cands[m].entity.label, target.type, rule, score))
    return Resolution(dict(sorted(canonical.items())), tuple(sorted(merges, key=lambda r: (r.canonical, r.merged))))


def _paths(uf: _Clusters, head: str) -> dict[str, list[tuple[str, float | None]]]:
    """The (rule, score) links on the way from the head to every member of its cluster."""
    paths: dict[str, list[tuple[str, float | None]]] = {head: []}
    queue = [head]
    while queue:
        node = queue.pop(0)
        for other, rule, score in sorted(uf.links.get(node, ()), key=lambda t: (t[0], t[1], t[2] or 0.0)):
            if other not in paths:
                paths[other] = paths[node] + [(rule, score)]
                queue.append(other)
    return paths


def _why(member: _Candidate, head: _Candidate, path: list[tuple[str, float | None]],
         scorer: _Scorer) -> tuple[str, float | None]:
    """The rule that ties a member to the canonical entity: directly if its names
    say so, else the weakest link on the way that joined them."""
    if head.ontology:
        return (ONTOLOGY_ALIAS, None) if member.exact & head.exact else (OVERRIDE, None)
    if member.exact & head.exact:
        return EXACT, None
    if member.translit & head.translit:
        return TRANSLITERATION, None
    rules = [rule for rule, _ in path]
    if OVERRIDE in rules:
        return OVERRIDE, None
    if FUZZY in rules:
        direct = scorer.best(member.translit, head.translit)
        return FUZZY, direct if direct is not None else min(s for r, s in path if r == FUZZY and s is not None)
    return (TRANSLITERATION if TRANSLITERATION in rules else EXACT), None
