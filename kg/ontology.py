"""Load the ontology (Turtle under ontology/) into plain, typed Python records.

The extractor and the exporters never touch rdflib graphs of the ontology
directly: they get an `Ontology` with relations, classes and individuals, so
that two ontologies can live in one process and tests can build small ones.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from .errors import OntologyError
from .model import Entity

KG = Namespace("https://w3id.org/kg-rbu/ontology#")
ENT = Namespace("https://w3id.org/kg-rbu/entity/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Where `kg` looks for the ontology when no directory is given: the checkout's
#: ontology/ (the package is installed editable or run from the repository).
DEFAULT_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

ONTOLOGY_FILES = ("kg.ttl", "entities.ttl")


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


def _local(iri: URIRef | str) -> str:
    text = str(iri)
    for ns in (str(KG), str(ENT)):
        if text.startswith(ns):
            return text[len(ns):]
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _class_set(graph: Graph, node) -> frozenset[str]:
    """A class or an owl:unionOf of classes, as local names."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return frozenset(_local(c) for c in Collection(graph, union))
    return frozenset({_local(node)})


def _parse(path: Path, graph: Graph) -> None:
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise OntologyError(str(path), "file not found") from exc
    except Exception as exc:  # rdflib raises several parser exception types
        line = getattr(exc, "lines", None) or getattr(exc, "line", None)
        raise OntologyError(str(path), f"not valid Turtle: {exc}", line if isinstance(line, int) else None) from exc


def _texts(graph: Graph, node, prop) -> list[tuple[str, str]]:
    out = []
    for lit in graph.objects(node, prop):
        if isinstance(lit, Literal):
            out.append((lit.language or "", str(lit)))
    return sorted(out)


@functools.lru_cache(maxsize=4)
def load_ontology(directory: Path | str = DEFAULT_ONTOLOGY_DIR) -> Ontology:
    """Parse the ontology files of `directory`; raises OntologyError naming the file."""
    directory = Path(directory)
    files = tuple(directory / name for name in ONTOLOGY_FILES)
    graph = Graph()
    digest = hashlib.sha256()
    for path in files:
        _parse(path, graph)
        digest.update(path.read_bytes())

    relations: dict[str, Relation] = {}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        tier = graph.value(prop, KG.tier)
        if tier is None or not str(prop).startswith(str(KG)):
            continue
        name = _local(prop)
        domain, rng = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if domain is None or rng is None:
            raise OntologyError(str(files[0]), f"relation {name} lacks rdfs:domain or rdfs:range")
        relations[name] = Relation(
            name=name,
            label=str(graph.value(prop, RDFS.label) or name),
            comment=str(graph.value(prop, RDFS.comment) or ""),
            tier=str(tier),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
            domain=_class_set(graph, domain),
            range=_class_set(graph, rng),
        )
    if not relations:
        raise OntologyError(str(files[0]), "no relation with kg:tier found")

    parents: dict[str, set[str]] = {}
    for cls in set(graph.subjects(RDF.type, OWL.Class)):
        if isinstance(cls, URIRef):
            parents.setdefault(_local(cls), set()).update(
                _local(p) for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef))

    def ancestors(cls: str, seen: frozenset[str] = frozenset()) -> set[str]:
        out = {cls}
        for parent in parents.get(cls, ()):
            if parent not in seen:
                out |= ancestors(parent, seen | {cls})
        return out

    superclasses = {cls: frozenset(ancestors(cls)) for cls in parents}

    individuals: dict[str, Individual] = {}
    facts: list[tuple[str, str, str]] = []
    for node in sorted(set(graph.subjects(RDF.type, OWL.NamedIndividual))):
        ident = _local(node)
        types = [_local(t) for t in graph.objects(node, RDF.type) if t != OWL.NamedIndividual]
        types = [t for t in types if t in superclasses]
        if not types:
            raise OntologyError(str(files[1]), f"individual {ident} has no kg class")
        # The most specific class: the one with the most ancestors.
        cls = max(types, key=lambda t: (len(superclasses[t]), t))
        prefs = [text for lang, text in _texts(graph, node, SKOS.prefLabel) if lang == "en"]
        if not prefs:
            raise OntologyError(str(files[1]), f"individual {ident} has no English skos:prefLabel")
        roles = []
        for role in graph.objects(node, KG.holdsRole):
            rel, target = graph.value(role, KG.roleRelation), graph.value(role, KG.roleIn)
            if rel is None or target is None:
                continue
            title = graph.value(role, KG.roleTitle)
            start, end = graph.value(role, KG.validFrom), graph.value(role, KG.validUntil)
            roles.append(Role(_local(rel), _local(target), str(title or ""),
                              str(start) if start else None, str(end) if end else None))
        same = [str(o) for o in graph.objects(node, OWL.sameAs) if str(o).startswith(str(WD))]
        capital = graph.value(node, KG.capitalOf)
        individuals[ident] = Individual(
            id=ident,
            type=cls,
            pref_label=prefs[0],
            labels=tuple(_texts(graph, node, SKOS.prefLabel) + _texts(graph, node, SKOS.altLabel)),
            demonyms=tuple(_texts(graph, node, KG.demonym)),
            metonyms=tuple(_texts(graph, node, KG.metonym)),
            wikidata=same[0].rsplit("/", 1)[-1] if same else None,
            capital_of=_local(capital) if capital is not None else None,
            roles=tuple(sorted(roles, key=lambda r: (r.valid_from or "", r.relation, r.target))),
        )
        for prop, obj in graph.predicate_objects(node):
            name = _local(prop)
            if name in relations and isinstance(obj, URIRef):
                facts.append((ident, name, _local(obj)))

    return Ontology(
        relations=relations,
        superclasses=superclasses,
        individuals=individuals,
        facts=tuple(sorted(facts)),
        fingerprint=digest.hexdigest(),
        files=files,
    )
