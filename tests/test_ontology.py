"""The ontology data (ontology/*.ttl): it parses, covers the relation
vocabulary and the gold's entity names, and its SHACL shapes accept a good
built graph and reject a bad one."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import rdflib.collection
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
SHARED = Path(__file__).resolve().parents[2] / "shared"
RELATIONS_MD = SHARED / "relations.md"
SEEDS_GOLD = SHARED / "eval" / "seeds-gold.json"

TTL_FILES = ("kg.ttl", "entities.ttl", "shapes.ttl")
LANGUAGES = ("en", "fr", "id", "ru", "uk")

KG = Namespace("https://w3id.org/kg-rbu/ontology#")
ENT = Namespace("https://w3id.org/kg-rbu/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")
# A plain Namespace: rdflib's closed XSD namespace warns when pytest probes it.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
WIKIDATA_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$")

# Names in the gold that the gazetteer is not expected to hold, each with the
# reason. Only a fallback extractor (or a phrase rule) finds these.
GOLD_NAME_EXCEPTIONS = {
    # A demonym plus a weapon phrase, not a name: found as the "Russian"
    # demonym (-> Russia) and the "nuclear weapons" label, never as one entry.
    "Russian nuclear weapons",
}

REQUIRED_INDIVIDUALS = {
    "Country": [
        "Russia", "Belarus", "Ukraine", "Poland", "Lithuania", "Latvia", "Estonia",
        "Kazakhstan", "UnitedStates", "UnitedKingdom", "France", "Germany", "China",
        "NorthKorea", "Iran", "Moldova", "Georgia", "Armenia", "Azerbaijan", "Finland",
        "Sweden", "Turkey", "Hungary", "Slovakia", "Romania", "Kyrgyzstan", "Tajikistan",
        "Uzbekistan", "India",
    ],
    "City": [
        "Moscow", "Minsk", "Kyiv", "Warsaw", "Vilnius", "Riga", "Tallinn", "Astana",
        "WashingtonDC", "Brussels",
    ],
    "Alliance": [
        "EuropeanUnion", "NATO", "CollectiveSecurityTreatyOrganisation",
        "ShanghaiCooperationOrganisation", "UnionState", "UnitedNations", "OSCE",
        "CommonwealthOfIndependentStates", "EurasianEconomicUnion", "BRICS",
        "InternationalAtomicEnergyAgency", "TheWest",
    ],
    "ArmedGroup": ["WagnerGroup"],
    "NewsOutlet": [
        "TASS", "RIANovosti", "BelTA", "RT", "Reuters", "AgenceFrancePresse",
        "AssociatedPress", "Interfax", "Ukrinform", "Tribunnews", "Jurnas",
    ],
    "Person": [
        "VladimirPutin", "AlexanderLukashenko", "VolodymyrZelensky", "DmitryPeskov",
        "SergeiShoigu", "AndreiBelousov", "SergeiLavrov", "MariaZakharova",
        "ValeryGerasimov", "ViktorKhrenin", "MaximRyzhenkov", "SergeiAleinik",
        "YevgenyPrigozhin", "DmitryUtkin", "DmytroKuleba", "AndriiSybiha",
        "KyryloBudanov", "OleksandrSyrskyi", "ValeriiZaluzhnyi", "RustemUmerov",
        "OleksiiReznikov", "AndriyDemchenko", "SerhiyPopko", "AlexeiPolishchuk",
        "SviatlanaTsikhanouskaya", "AndrzejDuda", "DonaldTusk", "GitanasNauseda",
        "JoeBiden", "DonaldTrump", "AntonyBlinken", "JensStoltenberg", "MarkRutte",
        "KassymJomartTokayev", "XiJinping", "KimJongUn",
    ],
    "Region": [
        "VolynOblast", "RivneOblast", "ZhytomyrOblast", "KyivOblast", "ChernihivOblast",
        "SumyOblast", "KharkivOblast", "LuhanskOblast", "DonetskOblast",
        "ZaporizhzhiaOblast", "KhersonOblast", "Crimea", "BrestRegion", "GomelRegion",
        "MogilevRegion", "VitebskRegion", "GrodnoRegion", "MinskRegion", "BryanskOblast",
        "KurskOblast", "BelgorodOblast", "VoronezhOblast", "RostovOblast",
        "SmolenskOblast", "PskovOblast", "KaliningradOblast", "AstrakhanOblast",
        "PodlaskieVoivodeship", "LublinVoivodeship",
    ],
    "MilitarySite": [
        "AshulukRange", "KapustinYar", "ObuzLesnovskyRange", "BrestskyRange",
        "OsipovichiCamp", "MachulishchyAirfield", "ZyabrovkaAirfield",
        "BaranovichiAirBase", "LidaAirBase", "BorisovRange", "YavorivRange",
        "HostomelAirport", "ChernobylExclusionZone",
    ],
    "WeaponSystem": [
        "S300", "S400", "Iskander", "Oreshnik", "NuclearWeapons", "ShahedDrone",
        "Kinzhal", "Polonez", "HIMARS", "ATACMS", "Patriot", "Il76", "Su25",
        "Bayraktar", "MiG29",
    ],
}

# (subject, relation, object) facts the gazetteer must state.
REQUIRED_FACTS = [
    ("ZhytomyrOblast", "locatedIn", "Ukraine"),
    ("ZhytomyrOblast", "borders", "Belarus"),
    ("KurskOblast", "locatedIn", "Russia"),
    ("AstrakhanOblast", "locatedIn", "Russia"),
    ("AshulukRange", "locatedIn", "AstrakhanOblast"),
    ("Belarus", "borders", "Russia"),
    ("Belarus", "borders", "Ukraine"),
    ("Belarus", "borders", "Poland"),
    ("Belarus", "borders", "Lithuania"),
    ("Belarus", "borders", "Latvia"),
    ("Russia", "borders", "Ukraine"),
    ("Poland", "borders", "Ukraine"),
    ("Poland", "memberOf", "NATO"),
    ("Finland", "memberOf", "NATO"),
    ("Poland", "memberOf", "EuropeanUnion"),
    ("Belarus", "memberOf", "CollectiveSecurityTreatyOrganisation"),
    ("Belarus", "memberOf", "ShanghaiCooperationOrganisation"),
    ("Belarus", "memberOf", "UnionState"),
    ("Russia", "memberOf", "UnionState"),
    ("WagnerGroup", "partOf", "Russia"),
    ("Moscow", "capitalOf", "Russia"),
    ("Minsk", "capitalOf", "Belarus"),
    ("Kyiv", "capitalOf", "Ukraine"),
]
SYMMETRIC_FACT_RELATIONS = {"borders"}


def norm(text: str) -> str:
    """Case-fold, strip accents and collapse spaces, as the scorer compares names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def local(iri: URIRef) -> str:
    """The last segment of an ent: or kg: IRI."""
    return re.split(r"[/#]", str(iri))[-1]


@pytest.fixture(scope="module")
def schema() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "kg.ttl")


@pytest.fixture(scope="module")
def entities() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "entities.ttl")


@pytest.fixture(scope="module")
def ontology(schema: rdflib.Graph, entities: rdflib.Graph) -> rdflib.Graph:
    graph = rdflib.Graph()
    for triple in schema:
        graph.add(triple)
    for triple in entities:
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "shapes.ttl")


@pytest.fixture(scope="module")
def individuals(entities: rdflib.Graph) -> set[URIRef]:
    return set(entities.subjects(RDF.type, OWL.NamedIndividual))


@pytest.fixture(scope="module")
def name_index(entities: rdflib.Graph, individuals: set[URIRef]) -> dict[str, set[URIRef]]:
    """Normalised name -> individuals having it as prefLabel, altLabel, demonym or metonym."""
    index: dict[str, set[URIRef]] = defaultdict(set)
    for ind in individuals:
        for prop in (SKOS.prefLabel, SKOS.altLabel, KG.demonym, KG.metonym):
            for label in entities.objects(ind, prop):
                index[norm(str(label))].add(ind)
    return index


def relation_tables() -> tuple[dict[str, str], set[str]]:
    """Relations named in relations.md -> tier ("core" for the first table,
    "structural" for the second), and the names marked symmetric (↔)."""
    if not RELATIONS_MD.exists():
        pytest.skip(f"{RELATIONS_MD} is absent: the shared relation vocabulary is not checked out")
    tiers: dict[str, str] = {}
    symmetric: set[str] = set()
    table = -1
    in_table = False
    for line in RELATIONS_MD.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        if not in_table:
            in_table = True
            table += 1
        first = line.split("|")[1].strip()
        if first in ("relation", "") or set(first) <= set("-: "):
            continue
        name = first.replace("↔", "").strip()
        assert re.fullmatch(r"[a-z][A-Za-z]+", name), f"unexpected relation cell {first!r}"
        tiers[name] = "core" if table == 0 else "structural"
        if "↔" in first:
            symmetric.add(name)
    return tiers, symmetric


def gold_names() -> set[str]:
    """Every entity alternative used in seeds-gold.json (cells split on "|")."""
    if not SEEDS_GOLD.exists():
        pytest.skip(f"{SEEDS_GOLD} is absent: the seed gold is not checked out")
    gold = json.loads(SEEDS_GOLD.read_text(encoding="utf-8"))
    names: set[str] = set()

    def walk(item: object) -> None:
        if isinstance(item, dict):
            for triple in item["any"]:
                walk(triple)
        else:
            assert isinstance(item, list)
            for cell in (item[0], item[2]):
                names.update(n.strip() for n in cell.split("|"))

    for doc in gold["documents"]:
        for value in doc.values():
            if isinstance(value, list):
                for item in value:
                    walk(item)
    return names


# --- parsing ---------------------------------------------------------------


@pytest.mark.parametrize("name", TTL_FILES)
def test_parses_with_rdflib(name: str) -> None:
    graph = rdflib.Graph().parse(ONTOLOGY / name, format="turtle")
    assert len(graph) > 0


@pytest.mark.parametrize("name", TTL_FILES)
def test_parses_with_pyoxigraph(name: str) -> None:
    with open(ONTOLOGY / name, "rb") as stream:
        triples = list(pyoxigraph.parse(stream, pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(rdflib.Graph().parse(ONTOLOGY / name, format="turtle"))


def test_ontology_header(schema: rdflib.Graph) -> None:
    header = URIRef("https://w3id.org/kg-rbu/ontology")
    assert (header, RDF.type, OWL.Ontology) in schema
    assert (header, OWL.versionInfo, Literal("1")) in schema
    assert schema.value(header, URIRef("http://purl.org/dc/terms/title")) is not None


# --- relations -------------------------------------------------------------


def test_every_relation_is_declared(schema: rdflib.Graph) -> None:
    tiers, _ = relation_tables()
    assert len(tiers) == 27
    for name, tier in tiers.items():
        prop = KG[name]
        assert (prop, RDF.type, OWL.ObjectProperty) in schema, name
        for attribute in (RDFS.label, RDFS.comment, SKOS.example, RDFS.domain, RDFS.range):
            assert schema.value(prop, attribute) is not None, f"{name} lacks {attribute}"
        assert schema.value(prop, RDFS.label).language == "en", name
        assert schema.value(prop, KG.tier) == Literal(tier), name


def test_symmetric_relations(schema: rdflib.Graph) -> None:
    tiers, symmetric = relation_tables()
    assert len(symmetric) == 6
    declared = {local(p) for p in schema.subjects(RDF.type, OWL.SymmetricProperty)}
    assert declared & set(tiers) == symmetric


def test_no_undeclared_relation_has_a_tier(schema: rdflib.Graph) -> None:
    """kg:tier marks exactly the relations of the vocabulary."""
    tiers, _ = relation_tables()
    assert {local(p) for p in schema.subjects(KG.tier, None)} == set(tiers)


def test_relation_shape_lists_the_vocabulary(shapes: rdflib.Graph) -> None:
    """kg:RelationShape enumerates the relations; it must follow relations.md."""
    tiers, _ = relation_tables()
    members = rdflib.collection.Collection(shapes, shapes.value(KG.RelationShape, SH["in"]))
    assert {local(p) for p in members} == set(tiers)


def test_every_relation_has_a_domain_range_shape(shapes: rdflib.Graph) -> None:
    tiers, _ = relation_tables()
    for name in tiers:
        shape = shapes.value(predicate=SH.targetSubjectsOf, object=KG[name])
        assert shape is not None, f"no shape targets subjects of kg:{name}"
        paths = {shapes.value(p, SH.path) for p in shapes.objects(shape, SH.property)}
        assert KG[name] in paths, f"{local(shape)} does not constrain the object of kg:{name}"


# --- gazetteer -------------------------------------------------------------


def test_gold_names_are_in_the_gazetteer(name_index: dict[str, set[URIRef]]) -> None:
    missing = sorted(
        name for name in gold_names()
        if norm(name) not in name_index and name not in GOLD_NAME_EXCEPTIONS
    )
    assert missing == []


def test_gold_name_exceptions_are_still_needed(name_index: dict[str, set[URIRef]]) -> None:
    names = gold_names()
    for name in GOLD_NAME_EXCEPTIONS:
        assert name in names, f"{name!r} is no longer in the gold: drop the exception"
        assert norm(name) not in name_index, f"{name!r} is now covered: drop the exception"


@pytest.mark.parametrize(
    "cls, name",
    [(cls, name) for cls, names in REQUIRED_INDIVIDUALS.items() for name in names],
)
def test_required_individual_exists(entities: rdflib.Graph, cls: str, name: str) -> None:
    assert (ENT[name], RDF.type, OWL.NamedIndividual) in entities
    assert (ENT[name], RDF.type, KG[cls]) in entities


@pytest.mark.parametrize("subject, relation, obj", REQUIRED_FACTS)
def test_required_fact(entities: rdflib.Graph, subject: str, relation: str, obj: str) -> None:
    triple = (ENT[subject], KG[relation], ENT[obj])
    if relation in SYMMETRIC_FACT_RELATIONS:
        assert triple in entities or (ENT[obj], KG[relation], ENT[subject]) in entities
    else:
        assert triple in entities


def test_every_individual_has_one_kg_class(
    entities: rdflib.Graph, schema: rdflib.Graph, individuals: set[URIRef]
) -> None:
    classes = set(schema.subjects(RDF.type, OWL.Class))
    for ind in individuals:
        kinds = [t for t in entities.objects(ind, RDF.type) if t in classes]
        assert len(kinds) == 1, f"{local(ind)} has classes {kinds}"


def test_labels_in_every_language(entities: rdflib.Graph, individuals: set[URIRef]) -> None:
    for ind in individuals:
        preferred = [l for l in entities.objects(ind, SKOS.prefLabel)]
        assert [l.language for l in preferred] == ["en"], f"{local(ind)}: {preferred}"
        languages = Counter(
            label.language
            for prop in (SKOS.prefLabel, SKOS.altLabel)
            for label in entities.objects(ind, prop)
        )
        for lang in LANGUAGES[1:]:
            assert languages[lang] >= 1, f"{local(ind)} has no {lang} label"


def test_every_label_is_language_tagged(entities: rdflib.Graph) -> None:
    for prop in (SKOS.prefLabel, SKOS.altLabel, KG.demonym, KG.metonym):
        for subject, label in entities.subject_objects(prop):
            assert isinstance(label, Literal) and label.language in LANGUAGES, (
                f"{local(subject)}: {label!r}"
            )


def test_preferred_labels_are_unique(entities: rdflib.Graph) -> None:
    counts = Counter(norm(str(l)) for l in entities.objects(None, SKOS.prefLabel))
    assert [name for name, n in counts.items() if n > 1] == []


def test_no_name_resolves_to_two_individuals(name_index: dict[str, set[URIRef]]) -> None:
    """The gazetteer is unambiguous: the extractor never has to pick between
    two individuals for one name (e.g. "Minsk" is the city, not Minsk Region)."""
    shared = {name: sorted(map(local, inds)) for name, inds in name_index.items() if len(inds) > 1}
    assert shared == {}


def test_every_country_has_demonyms(entities: rdflib.Graph) -> None:
    for country in entities.subjects(RDF.type, KG.Country):
        languages = {d.language for d in entities.objects(country, KG.demonym)}
        assert {"en", "fr", "ru", "uk"} <= languages, f"{local(country)}: {languages}"


def test_same_as_targets_are_wikidata_items(entities: rdflib.Graph) -> None:
    targets = list(entities.subject_objects(OWL.sameAs))
    assert (ENT.VladimirPutin, URIRef("http://www.wikidata.org/entity/Q7747")) in targets
    for subject, target in targets:
        assert WIKIDATA_ITEM.match(str(target)), f"{local(subject)} -> {target}"
    qids = Counter(target for _, target in targets)
    assert [q for q, n in qids.items() if n > 1] == []


def test_capitals_point_to_countries(entities: rdflib.Graph) -> None:
    for city, country in entities.subject_objects(KG.capitalOf):
        assert (city, RDF.type, KG.City) in entities
        assert (country, RDF.type, KG.Country) in entities


def test_places_are_located(entities: rdflib.Graph) -> None:
    for cls in (KG.Region, KG.MilitarySite):
        for place in entities.subjects(RDF.type, cls):
            assert entities.value(place, KG.locatedIn) is not None, local(place)


def test_roles_are_well_formed(entities: rdflib.Graph) -> None:
    for person, role in entities.subject_objects(KG.holdsRole):
        assert (person, RDF.type, KG.Person) in entities
        assert (role, RDF.type, KG.Role) in entities
        assert entities.value(role, KG.roleRelation) in (KG.leaderOf, KG.officialOf)
        assert entities.value(role, KG.roleIn) is not None
        start = entities.value(role, KG.validFrom)
        end = entities.value(role, KG.validUntil)
        for bound in (start, end):
            assert bound is None or bound.datatype == XSD.date
        if start is not None and end is not None:
            assert start.toPython() < end.toPython(), local(person)


def test_shoigu_changes_role_on_2024_05_12(entities: rdflib.Graph) -> None:
    roles = list(entities.objects(ENT.SergeiShoigu, KG.holdsRole))
    assert len(roles) == 2
    switch = Literal("2024-05-12", datatype=XSD.date)
    ended = [r for r in roles if entities.value(r, KG.validUntil) == switch]
    started = [r for r in roles if entities.value(r, KG.validFrom) == switch]
    assert len(ended) == 1 and len(started) == 1 and ended != started
    for role in roles:
        assert entities.value(role, KG.roleRelation) == KG.officialOf
        assert entities.value(role, KG.roleIn) == ENT.Russia
    assert "Defence" in str(entities.value(ended[0], KG.roleTitle))
    assert "Security Council" in str(entities.value(started[0], KG.roleTitle))


def test_leaders_of_the_three_states(entities: rdflib.Graph) -> None:
    expected = {
        ENT.VladimirPutin: ENT.Russia,
        ENT.AlexanderLukashenko: ENT.Belarus,
        ENT.VolodymyrZelensky: ENT.Ukraine,
    }
    for person, state in expected.items():
        roles = list(entities.objects(person, KG.holdsRole))
        assert any(
            entities.value(r, KG.roleRelation) == KG.leaderOf and entities.value(r, KG.roleIn) == state
            for r in roles
        ), local(person)


# --- SHACL -----------------------------------------------------------------

DATA_PREFIXES = """
@prefix kg:      <https://w3id.org/kg-rbu/ontology#> .
@prefix ent:     <https://w3id.org/kg-rbu/entity/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix ex:      <https://example.org/kg-test/> .
"""

GOOD_GRAPH = DATA_PREFIXES + """
ex:article1 a kg:Article ;
    dcterms:title "Belarusia kirim pasukan ke Rusia"@id ;
    dcterms:date "2024-08-13"^^xsd:date ;
    dcterms:language "id" ;
    dcterms:source "Tribunnews" .

ent:Belarus a kg:Country ; rdfs:label "Belarus"@en ; skos:prefLabel "Belarus"@en .
ent:Ukraine a kg:Country ; rdfs:label "Ukraine"@en ; skos:prefLabel "Ukraine"@en .
ent:WagnerGroup a kg:ArmedGroup ; rdfs:label "Wagner Group"@en ; skos:prefLabel "Wagner Group"@en .

ent:Belarus kg:hosts ent:WagnerGroup .

ex:assertion1 a kg:Assertion ;
    rdf:subject ent:Belarus ; rdf:predicate kg:hosts ; rdf:object ent:WagnerGroup ;
    kg:polarity "positive" ; kg:modality "asserted" ; kg:confidence 0.85 ;
    kg:sentence "Pasukan Grup Wagner tiba di Belarus."@id ;
    kg:sentenceIndex 4 ; kg:charStart 120 ; kg:charEnd 157 ;
    kg:documentDate "2024-08-13"^^xsd:date ;
    kg:agent "Kementerian Pertahanan" ;
    prov:wasDerivedFrom ex:article1 .

ex:assertion2 a kg:Assertion ;
    rdf:subject ent:Belarus ; rdf:predicate kg:joinsWarAgainst ; rdf:object ent:Ukraine ;
    kg:polarity "negative" ; kg:modality "reported" ; kg:confidence 0.7 ;
    kg:sentence "Belarus tidak akan bergabung dalam perang melawan Ukraina."@id ;
    kg:sentenceIndex 5 ;
    kg:attributedTo ent:Belarus ;
    prov:wasDerivedFrom ex:article1 .
"""

# Three independent defects, each of which must be reported.
BAD_GRAPH = GOOD_GRAPH.replace('kg:polarity "positive"', 'kg:polarity "maybe"') + """
ent:VladimirPutin a kg:Person ; rdfs:label "Vladimir Putin"@en .
ent:VladimirPutin kg:hosts ent:Belarus .

ex:assertion3 a kg:Assertion ;
    rdf:subject ent:ZhytomyrOblast ; rdf:predicate kg:attacks ; rdf:object ent:Belarus ;
    kg:polarity "negative" ; kg:modality "asserted" ; kg:confidence 0.5 ;
    kg:sentence "Zhytomyr n'a pas attaqué le Bélarus."@fr ;
    kg:sentenceIndex 0 ;
    prov:wasDerivedFrom ex:article1 .
"""


def validate(data: str, shapes: rdflib.Graph, ontology: rdflib.Graph) -> tuple[bool, rdflib.Graph, str]:
    """Validate as the builder does: ontology as ont_graph, RDFS inference."""
    import pyshacl

    graph = rdflib.Graph().parse(data=data, format="turtle")
    conforms, report, text = pyshacl.validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs"
    )
    return conforms, report, text


@pytest.mark.slow
def test_shapes_accept_a_good_graph(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    """Also checks that entities.ttl itself (mixed in as ont_graph) conforms."""
    conforms, _, text = validate(GOOD_GRAPH, shapes, ontology)
    assert conforms, text


@pytest.mark.slow
def test_shapes_reject_a_bad_graph(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    conforms, report, text = validate(BAD_GRAPH, shapes, ontology)
    assert not conforms
    ex = Namespace("https://example.org/kg-test/")
    results = [
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    # polarity "maybe"
    assert (ex.assertion1, KG.polarity) in results, text
    # a person as the subject of kg:hosts (typed a place by inference)
    assert ENT.VladimirPutin in {focus for focus, _ in results}, text
    # a region as the subject of a (negative) kg:attacks assertion
    assert ex.assertion3 in {focus for focus, _ in results}, text
    assert ex.assertion2 not in {focus for focus, _ in results}, text
