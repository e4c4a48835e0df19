"""Load the ontology (Turtle under ontology/) into plain, typed Python records.

The extractor and the exporters never touch rdflib graphs of the ontology
directly: they get an `Ontology` with relations, classes and individuals, so
that two ontologies can live in one process and tests can build small ones.
The Turtle is parsed with pyoxigraph, ten times faster than rdflib: the
ontology is loaded at every start of `kg`.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from .errors import OntologyError
from .model import Entity

KG_IRI = "https://w3id.org/kg-rbu/ontology#"
ENT_IRI = "https://w3id.org/kg-rbu/entity/"
WD_IRI = "http://www.wikidata.org/entity/"

#: Where `kg` looks for the ontology when no directory is given: the checkout's
#: ontology/ (the package is installed editable or run from the repository).
DEFAULT_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

ONTOLOGY_FILES = ("kg.ttl", "entities.ttl")

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_TYPE = _RDF + "type"


def __getattr__(name: str) -> Any:
    """KG, ENT and WD as rdflib namespaces, for the modules that write RDF: rdflib
    is imported only when one is asked for, as loading the ontology needs none."""
    iri = {"KG": KG_IRI, "ENT": ENT_IRI, "WD": WD_IRI}.get(name)
    if iri is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _namespace(iri)


@functools.cache
def _namespace(iri: str) -> Any:
    from rdflib import Namespace

    return Namespace(iri)


@dataclass(frozen=True)
class Relation:
    """An object property of the vocabulary with its constraints."""

    name: str
    label: str
    comment: str
    tier: str  # "core" or "structural"
    symmetric: bool
    domain: frozenset[str]  # class local names, any of which fits
    range: frozenset[str]


@dataclass(frozen=True)
class Role:
    """A position a person holds in a state or organisation, maybe time-bounded."""

    relation: str  # leaderOf | officialOf
    target: str  # entity id
    title: str
    valid_from: str | None = None
    valid_until: str | None = None

    def holds_on(self, date: str | None) -> bool:
        """True when the role is valid on `date` (ISO); unknown dates are valid."""
        if not date:
            return self.valid_until is None
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_until is None or date < self.valid_until
        )


@dataclass(frozen=True)
class Individual:
    """A named individual with every label the gazetteer matches."""

    id: str
    type: str
    pref_label: str
    labels: tuple[tuple[str, str], ...]  # (lang, text) of prefLabel + altLabels
    demonyms: tuple[tuple[str, str], ...] = ()
    metonyms: tuple[tuple[str, str], ...] = ()
    wikidata: str | None = None
    capital_of: str | None = None
    roles: tuple[Role, ...] = ()

    def entity(self) -> Entity:
        """The record extraction hands on for this individual."""
        aliases = sorted({text for _, text in self.labels} - {self.pref_label})
        return Entity(self.id, self.pref_label, self.type, tuple(aliases), self.wikidata)


@dataclass(frozen=True, eq=False)  # hashed by identity: lru_cache keys per loaded ontology
class Ontology:
    """Relations, classes and individuals, with the facts stated between them."""

    relations: dict[str, Relation]
    superclasses: dict[str, frozenset[str]]  # class -> itself and all ancestors
    individuals: dict[str, Individual]
    facts: tuple[tuple[str, str, str], ...]  # (subject id, relation, object id)
    fingerprint: str  # hash of the source files, for cache keys
    files: tuple[Path, ...] = field(default=())

    def is_a(self, cls: str, target: str | frozenset[str]) -> bool:
        """True when class `cls` is `target` or a subclass of it (or of any of a set)."""
        ancestors = self.superclasses.get(cls, frozenset({cls}))
        if isinstance(target, str):
            return target in ancestors
        return bool(ancestors & target)

    def fits(self, relation: str, subject_type: str, object_type: str) -> bool:
        """Whether the relation's domain and range admit the two types."""
        rel = self.relations[relation]
        return self.is_a(subject_type, rel.domain) and self.is_a(object_type, rel.range)

    def facts_about(self, entity_id: str, relation: str) -> list[str]:
        """Objects of background facts `entity_id relation ?o` stated in the ontology."""
        return [o for s, r, o in self.facts if s == entity_id and r == relation]


def _local(iri: str) -> str:
    for ns in (KG_IRI, ENT_IRI):
        if iri.startswith(ns):
            return iri[len(ns):]
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Triples:
    """The triples of Turtle files, indexed for the few questions the loader asks.

    Parsed with pyoxigraph (a tenth of a second less than rdflib for the ontology
    at every start). IRIs are `str`, literals `_Text`, blank nodes pyoxigraph's.
    """

    def __init__(self) -> None:
        self._out: dict[object, dict[str, list]] = {}  # subject -> predicate -> objects
        self._in: dict[tuple[str, object], list] = {}  # (predicate, object) -> subjects

    def parse(self, path: Path) -> None:
        """Add the triples of one Turtle file; raises OntologyError naming the file."""
        from pyoxigraph import Literal, NamedNode, RdfFormat, parse

        def term(node):
            if isinstance(node, NamedNode):
                return node.value
            if isinstance(node, Literal):
                return _Text(node.value, node.language or "")
            return node

        try:
            triples = [(term(q.subject), q.predicate.value, term(q.object))
                       for q in parse(path=str(path), format=RdfFormat.TURTLE)]
        except FileNotFoundError as exc:
            raise OntologyError(str(path), "file not found") from exc
        except SyntaxError as exc:
            raise OntologyError(str(path), f"not valid Turtle: {exc}", exc.lineno) from exc
        for s, p, o in triples:
            self._out.setdefault(s, {}).setdefault(p, []).append(o)
            self._in.setdefault((p, o), []).append(s)

    def objects(self, subject, predicate: str) -> list:
        return self._out.get(subject, {}).get(predicate, [])

    def value(self, subject, predicate: str):
        """One object of `subject predicate`, or None."""
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj) -> list:
        """The distinct subjects of `? predicate obj`, in the order the files give them."""
        return list(dict.fromkeys(self._in.get((predicate, obj), [])))

    def predicate_objects(self, subject):
        for predicate, objects in self._out.get(subject, {}).items():
            for obj in objects:
                yield predicate, obj

    def collection(self, head) -> list:
        """The members of an RDF list."""
        out = []
        while head is not None and head != _RDF + "nil":
            out.append(self.value(head, _RDF + "first"))
            head = self.value(head, _RDF + "rest")
        return out


class _Text(str):
    """A literal's text with its language tag ("" when it has none)."""

    language: str

    def __new__(cls, text: str, language: str) -> Self:
        self = super().__new__(cls, text)
        self.language = language
        return self


def _class_set(graph: _Triples, node) -> frozenset[str]:
    """A class or an owl:unionOf of classes, as local names."""
    union = graph.value(node, _OWL + "unionOf")
    if union is not None:
        return frozenset(_local(c) for c in graph.collection(union))
    return frozenset({_local(node)})


def _texts(graph: _Triples, node, prop: str) -> list[tuple[str, str]]:
    return sorted((lit.language, str(lit)) for lit in graph.objects(node, prop) if isinstance(lit, _Text))


@functools.lru_cache(maxsize=4)
def load_ontology(directory: Path | str = DEFAULT_ONTOLOGY_DIR) -> Ontology:
    """Parse the ontology files of `directory`; raises OntologyError naming the file."""
    directory = Path(directory)
    files = tuple(directory / name for name in ONTOLOGY_FILES)
    graph = _Triples()
    digest = hashlib.sha256()
    for path in files:
        graph.parse(path)
        digest.update(path.read_bytes())

    relations: dict[str, Relation] = {}
    for prop in graph.subjects(_TYPE, _OWL + "ObjectProperty"):
        tier = graph.value(prop, KG_IRI + "tier")
        if tier is None or not isinstance(prop, str) or not prop.startswith(KG_IRI):
            continue
        name = _local(prop)
        domain, rng = graph.value(prop, _RDFS + "domain"), graph.value(prop, _RDFS + "range")
        if domain is None or rng is None:
            raise OntologyError(str(files[0]), f"relation {name} lacks rdfs:domain or rdfs:range")
        relations[name] = Relation(
            name=name,
            label=str(graph.value(prop, _RDFS + "label") or name),
            comment=str(graph.value(prop, _RDFS + "comment") or ""),
            tier=str(tier),
            symmetric=_OWL + "SymmetricProperty" in graph.objects(prop, _TYPE),
            domain=_class_set(graph, domain),
            range=_class_set(graph, rng),
        )
    if not relations:
        raise OntologyError(str(files[0]), "no relation with kg:tier found")

    parents: dict[str, set[str]] = {}
    for cls in graph.subjects(_TYPE, _OWL + "Class"):
        if _is_iri(cls):
            parents.setdefault(_local(cls), set()).update(
                _local(p) for p in graph.objects(cls, _RDFS + "subClassOf") if _is_iri(p))

    def ancestors(cls: str, seen: frozenset[str] = frozenset()) -> set[str]:
        out = {cls}
        for parent in parents.get(cls, ()):
            if parent not in seen:
                out |= ancestors(parent, seen | {cls})
        return out

    superclasses = {cls: frozenset(ancestors(cls)) for cls in parents}

    individuals: dict[str, Individual] = {}
    facts: list[tuple[str, str, str]] = []
    for node in sorted(n for n in graph.subjects(_TYPE, _OWL + "NamedIndividual") if _is_iri(n)):
        ident = _local(node)
        types = [_local(t) for t in graph.objects(node, _TYPE) if t != _OWL + "NamedIndividual"]
        types = [t for t in types if t in superclasses]
        if not types:
            raise OntologyError(str(files[1]), f"individual {ident} has no kg class")
        # The most specific class: the one with the most ancestors.
        cls = max(types, key=lambda t: (len(superclasses[t]), t))
        prefs = [text for lang, text in _texts(graph, node, _SKOS + "prefLabel") if lang == "en"]
        if not prefs:
            raise OntologyError(str(files[1]), f"individual {ident} has no English skos:prefLabel")
        roles = []
        for role in graph.objects(node, KG_IRI + "holdsRole"):
            rel, target = graph.value(role, KG_IRI + "roleRelation"), graph.value(role, KG_IRI + "roleIn")
            if rel is None or target is None:
                continue
            title = graph.value(role, KG_IRI + "roleTitle")
            start, end = graph.value(role, KG_IRI + "validFrom"), graph.value(role, KG_IRI + "validUntil")
            roles.append(Role(_local(rel), _local(target), str(title or ""),
                              str(start) if start else None, str(end) if end else None))
        same = [str(o) for o in graph.objects(node, _OWL + "sameAs") if str(o).startswith(WD_IRI)]
        capital = graph.value(node, KG_IRI + "capitalOf")
        individuals[ident] = Individual(
            id=ident,
            type=cls,
            pref_label=prefs[0],
            labels=tuple(_texts(graph, node, _SKOS + "prefLabel") + _texts(graph, node, _SKOS + "altLabel")),
            demonyms=tuple(_texts(graph, node, KG_IRI + "demonym")),
            metonyms=tuple(_texts(graph, node, KG_IRI + "metonym")),
            wikidata=same[0].rsplit("/", 1)[-1] if same else None,
            capital_of=_local(capital) if capital is not None else None,
            roles=tuple(sorted(roles, key=lambda r: (r.valid_from or "", r.relation, r.target))),
        )
        for prop, obj in graph.predicate_objects(node):
            name = _local(prop)
            if name in relations and _is_iri(obj):
                facts.append((ident, name, _local(obj)))

    return Ontology(
        relations=relations,
        superclasses=superclasses,
        individuals=individuals,
        facts=tuple(sorted(facts)),
        fingerprint=digest.hexdigest(),
        files=files,
    )


def _is_iri(node) -> bool:
    return isinstance(node, str) and not isinstance(node, _Text)
