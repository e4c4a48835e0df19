"""Deduplication of entities the ontology lacks (kg.graph.dedupe), across scripts."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.errors import DataFileError
from kg.export import REGISTRY, formats
from kg.export.rdf import build_rdf
from kg.graph import merge
from kg.graph.dedupe import (
    DEFAULT_MERGES_FILE,
    EXACT,
    FUZZY,
    ONTOLOGY_ALIAS,
    OVERRIDE,
    TRANSLITERATION,
    MergeRules,
    fuzzy_score,
    load_merge_rules,
    parse_merge_rules,
    resolve_entities,
)
from kg.graph.names import DEFAULT_NAMES_FILE, load_name_tables, parse_name_tables
from kg.model import Article, Assertion, Entity, Evidence, ExtractionResult
from kg.ontology import ENT, KG, load_ontology

ONTOLOGY = load_ontology()
TABLES = load_name_tables()
NO_RULES = MergeRules()


def new(label: str, type_: str = "Person") -> Entity:
    """An entity as extraction mints it for a name the ontology lacks."""
    return Entity(f"new/{type_}/{'_'.join(TABLES.exact_key(label).split())}", label, type_, (), None, False)


def groups(labels: list[tuple[str, str]], rules: MergeRules = NO_RULES) -> list[list[str]]:
    """Resolve (label, language) names; the labels of each resulting node, sorted."""
    ents = {e.id: e for e in (new(label) for label, _ in labels)}
    langs: dict[str, set[str]] = {}
    for label, lang in labels:
        langs.setdefault(new(label).id, set()).add(lang)
    res = resolve_entities(ents, tables=TABLES, rules=rules, ontology=ONTOLOGY, languages=langs)
    out: dict[str, list[str]] = {}
    for ident, target in res.canonical.items():
        out.setdefault(target.id, []).append(ents[ident].label)
    return sorted(sorted(v) for v in out.values())


# ------------------------------------------------------------------ the same person, many spellings
@pytest.mark.parametrize("names", [
    # en / ru / uk / fr / id spellings of one (invented) person
    [("Ivan Petrov", "en"), ("Иван Петров", "ru"), ("Іван Петров", "uk"), ("Ivan Petroff", "fr"), ("Ivan Petrov", "id")],
    [("Pavel Latushko", "en"), ("Павел Латушко", "ru"), ("Павло Латушко", "uk"), ("Pavel Latouchko", "fr"),
     ("Pavlo Latushko", "id")],
    [("Dmitry Korolkevich", "en"), ("Дмитрий Королькевич", "ru"), ("Дмитро Королькевич", "uk"),
     ("Dmitri Korolkevitch", "fr")],
    [("Yevgeny Zhuravkov", "en"), ("Евгений Журавков", "ru"), ("Євген Журавков", "uk"), ("Evgueni Jouravkov", "fr")],
    [("Sergey Bulavin", "en"), ("Sergei Bulavin", "id"), ("Сергей Булавин", "ru"), ("Сергій Булавін", "uk"),
     ("Serhiy Bulavin", "en")],
    [("Mykola Hrytsenko", "en"), ("Николай Гриценко", "ru"), ("Микола Гриценко", "uk"), ("Nikolai Gritsenko", "en")],
    [("Aliaksandr Valchenka", "en"), ("Аляксандр Вальчэнка", "ru"), ("Aleksandr Valchenka", "en")],  # Belarusian
    [("Jean-Pierre Martin", "fr"), ("Jean Pierre Martin", "en"), ("JEAN-PIERRE MARTIN", "id")],
], ids=["petrov", "latushko", "korolkevich", "zhuravkov", "bulavin", "hrytsenko", "valchenka", "jean-pierre"])
def test_spellings_of_one_person_are_one_node(names):
    assert len(groups(names)) == 1


@pytest.mark.parametrize("names", [
    [("Ivan Petrov", "en"), ("Ivan Petrova", "en")],  # a feminine surname is another person
    [("Ivan Petrov", "en"), ("Anna Petrova", "en")],
    [("Ivan Petrov", "en"), ("Pyotr Petrov", "en")],  # brothers
    [("Maria Ivanova", "en"), ("Marina Ivanova", "en")],  # one letter apart, two names the table knows
    [("Ivan Kovalenko", "en"), ("Ivan Kovalchenko", "en")],  # two families
    [("Ivan Ivanov", "en"), ("Ivan Ivashov", "en")],  # short surnames: one letter is the difference
    [("Oleg Popov", "en"), ("Oleg Popkov", "en")],
    [("Иван Петров", "ru"), ("Иван Петрович Петров", "ru")],  # different token counts: left to an analyst
    [("Viktor Sidorenko", "en"), ("Viktor Sidorov", "en")],
], ids=["feminine", "wife", "brother", "maria-marina", "kovalenko", "short-surname", "popov", "patronymic",
        "sidorov"])
def test_different_people_with_similar_names_stay_apart(names):
    assert len(groups(names)) == len(names)


@pytest.mark.parametrize("a, b, merges", [
    ("pavel latushko", "pavlo latushko", True),  # one given name in the table
    ("aleksandr valchenko", "aleksander valchenko", True),  # Aleksandr/Alexander: one line of given_names
    ("kuzma valchenko", "kuzmo valchenko", True),  # a given name the table lacks: one edit in 5+ letters
    ("ivan lukashenka", "ivan lukashenko", True),  # a long surname one edit apart
    ("ivan petrov", "ivan petrova", False),
    ("ivan popov", "ivan popkov", False),  # short surname
    ("maria ivanova", "marina ivanova", False),
    ("ivan petrov", "ivan petrov", False),  # equal keys are the transliteration rule's
    ("ivan petrov", "petrov", False),
])
def test_fuzzy_score(a, b, merges):
    assert (fuzzy_score(a, b, TABLES) is not None) is merges


def test_same_name_of_different_types_is_never_merged():
    # Kursk the region and Kursk the submarine; a person and a place with one name.
    ents = {e.id: e for e in (new("Kursk", "Region"), new("Kursk", "WeaponSystem"), new("Курск", "WeaponSystem"),
                              new("Ivan Petrov"), new("Ivan Petrov", "City"))}
    res = resolve_entities(ents, tables=TABLES, ontology=ONTOLOGY)
    assert {t.type for t in res.canonical.values()} == {"Region", "WeaponSystem", "Person", "City"}
    assert len({t.id for t in res.canonical.values()}) == 4  # only the two submarine spellings merge
    assert res.canonical["new/WeaponSystem/курск"].id == "new/WeaponSystem/kursk"
    assert res.canonical["new/Region/kursk"].id == "KurskOblast"  # the ontology's region, by its label
    assert {(m.type, m.canonical) for m in res.merges} == {("WeaponSystem", "new/WeaponSystem/kursk"),
                                                          ("Region", "KurskOblast")}


def test_a_new_name_joins_an_ontology_individual_only_by_an_exact_label():
    shoigu = ONTOLOGY.individuals["SergeiShoigu"]
    ents = {e.id: e for e in (new("Сергей Шойгу"), new("Aleksandr Lukashenkov"), new("Aliaksandr Lukashenka"))}
    ents["AlexanderLukashenko"] = ONTOLOGY.individuals["AlexanderLukashenko"].entity()
    res = resolve_entities(ents, tables=TABLES, ontology=ONTOLOGY)
    assert res.canonical["new/Person/сергей_шойгу"] == shoigu.entity()  # an ru altLabel, exactly
    assert res.canonical["new/Person/aliaksandr_lukashenka"].id != "AlexanderLukashenko"  # near is not enough
    assert res.canonical["new/Person/aleksandr_lukashenkov"].id != "AlexanderLukashenko"
    assert [(m.canonical, m.rule) for m in res.merges if m.canonical == "SergeiShoigu"] == [
        ("SergeiShoigu", ONTOLOGY_ALIAS)]


def test_each_merge_records_its_rule():
    shouted = Entity("new/Person/IVAN_PETROV!", "IVAN PETROV!", "Person", (), None, False)
    ents = {e.id: e for e in (new("Ivan Petrov"), shouted, new("Иван Петров"), new("Pavel Latushko"),
                              new("Pavlo Latushko"))}
    res = resolve_entities(ents, tables=TABLES, ontology=ONTOLOGY)
    by_merged = {m.merged: m for m in res.merges}
    assert by_merged["new/Person/иван_петров"].rule == TRANSLITERATION
    assert (by_merged["new/Person/ivan_petrov"].canonical, by_merged["new/Person/ivan_petrov"].rule) == (
        "new/Person/IVAN_PETROV!", EXACT)  # equally used spellings: the smallest id names the node
    latushko = by_merged["new/Person/pavlo_latushko"]
    assert (latushko.canonical, latushko.rule) == ("new/Person/pavel_latushko", FUZZY)
    assert 80 <= latushko.score <= 100
    assert {m.rule for m in res.merges} == {EXACT, TRANSLITERATION, FUZZY}


def test_canonical_is_the_most_named_latin_spelling_with_every_name_as_alias():
    ents = {e.id: e for e in (new("Иван Петров"), new("Ivan Petroff"), new("Ivan Petrov"))}
    res = resolve_entities(ents, tables=TABLES, ontology=ONTOLOGY,
                           documents={"new/Person/ivan_petrov": 3, "new/Person/ivan_petroff": 1,
                                      "new/Person/иван_петров": 5})
    target = res.canonical["new/Person/иван_петров"]
    assert target.id == "new/Person/ivan_petrov"
    assert set(target.aliases) == {"Иван Петров", "Ivan Petroff"}


# ------------------------------------------------------------------ the analyst's overrides
def rules(text: str) -> MergeRules:
    return parse_merge_rules(text, "merges.yaml", TABLES)


def test_override_forces_a_merge_into_an_ontology_individual():
    forced = rules("same:\n  - [Aliaksandr Lukashenka, AlexanderLukashenko]\n")
    ents = {e.id: e for e in (new("Aliaksandr Lukashenka"),)}
    res = resolve_entities(ents, tables=TABLES, rules=forced, ontology=ONTOLOGY)
    assert res.canonical["new/Person/aliaksandr_lukashenka"].id == "AlexanderLukashenko"
    assert [m.rule for m in res.merges] == [OVERRIDE]


def test_override_forces_names_no_rule_would_merge():
    assert len(groups([("Ivan Petrov", "en"), ("Ivan Ivanovich Petrov", "en")])) == 2
    forced = rules("same:\n  - [Ivan Petrov, ivan ivanovich petrov]\n")
    assert len(groups([("Ivan Petrov", "en"), ("Ivan Ivanovich Petrov", "en")], forced)) == 1


def test_override_forbids_a_merge_by_any_rule():
    names = [("Ivan Petrov", "en"), ("Иван Петров", "ru"), ("Ivan Petroff", "en")]
    assert len(groups(names)) == 1
    apart = rules("different:\n  - [Ivan Petrov, Иван Петров]\n")
    # Ivan Petroff joins Ivan Petrov (the first in id order); Иван Петров may then join neither.
    assert groups(names, apart) == [["Ivan Petroff", "Ivan Petrov"], ["Иван Петров"]]


def test_override_never_merges_across_types():
    forced = rules("same:\n  - [Kursk, Курск]\n")
    ents = {e.id: e for e in (new("Kursk", "WeaponSystem"), new("Курск", "WeaponSystem"), new("Kursk", "Region"))}
    res = resolve_entities(ents, tables=TABLES, rules=forced, ontology=None)
    assert res.canonical["new/Region/kursk"].type == "Region"
    assert res.canonical["new/WeaponSystem/курск"].id == "new/WeaponSystem/kursk"


def test_override_merging_two_ontology_individuals_names_the_line():
    bad = rules("# two people\nsame:\n  - [Ivan Petrov, Ivan Petroff]\n  - [SergeiShoigu, AlexanderLukashenko]\n")
    with pytest.raises(DataFileError) as err:
        resolve_entities({"x": new("Ivan Petrov")}, tables=TABLES, rules=bad, ontology=ONTOLOGY)
    assert err.value.line == 4 and "merges.yaml:4" in str(err.value) and "two ontology individuals" in str(err.value)


@pytest.mark.parametrize("text, line, message", [
    ("same: [\n", 2, "not valid YAML"),
    ("- [a, b]\n", 1, "expected a mapping"),
    ("same: []\nsimilar:\n  - [a, b]\n", 2, "unknown section 'similar'"),
    ("same:\n  - Ivan Petrov\n", 2, "each entry is a list"),
    ("same:\n  - [Ivan Petrov, Иван Петров]\n  - [Ivan Petrov]\n", 3, "at least two names"),
    ("different:\n  - [a, b, c]\n", 2, "a pair of two names"),
    ("different:\n  - [Ivan Petrov, IVAN PETROV]\n", 2, "the same name"),
    ("same:\n  - [Ivan Petrov, Иван Петров]\ndifferent:\n\n  - [иван петров, Ivan Petrov]\n", 5, "'same' group"),
    ("same:\n  - [Ivan Petrov, {name: x}]\n", 2, "each entry is a list"),
])
def test_a_bad_override_names_file_and_line(text, line, message):
    with pytest.raises(DataFileError) as err:
        rules(text)
    assert err.value.path == "merges.yaml" and err.value.line == line
    assert message in str(err.value) and f"merges.yaml:{line}:" in str(err.value)


def test_the_shipped_data_files_load():
    assert load_merge_rules(TABLES, DEFAULT_MERGES_FILE).path == str(DEFAULT_MERGES_FILE)
    assert load_merge_rules(TABLES, DEFAULT_MERGES_FILE.with_name("no-such.yaml")) == MergeRules(
        path=str(DEFAULT_MERGES_FILE.with_name("no-such.yaml")))
    assert TABLES.path == str(DEFAULT_NAMES_FILE)
    assert TABLES.given_name_group("pavel") == TABLES.given_name_group("pavlo") is not None


@pytest.mark.parametrize("text, line", [
    ("cyrillic:\n  а: a\n  бв: b\n", 3),
    ("skeleton:\n  - [x, ks]\n  - [y]\n", 3),
    ("given_names:\n  - Pavel | Pavlo\n  - Paul | Pavel\n", 3),
    ("letters:\n  а: a\n", 1),
])
def test_a_bad_names_table_names_file_and_line(text, line):
    with pytest.raises(DataFileError) as err:
        parse_name_tables(text, "names.yaml")
    assert err.value.line == line and f"names.yaml:{line}:" in str(err.value)


# ------------------------------------------------------------------ merge(): order, provenance, RDF
BELARUS = ONTOLOGY.individuals["Belarus"].entity()
SPELLINGS = [("Ivan Petrov", "en"), ("Иван Петров", "ru"), ("Іван Петров", "uk"), ("Ivan Petroff", "fr"),
             ("Pavel Latushko", "en"), ("Павло Латушко", "uk"), ("Pavel Latouchko", "fr"), ("Ivan Petrova", "id"),
             ("Maria Ivanova", "en"), ("Marina Ivanova", "en"), ("Мария Иванова", "ru"), ("Сергей Шойгу", "ru")]


def graph_of(items: list[tuple[str, str, str]]):
    """Merge (document, label, language) mentions: each a person officialOf Belarus, one result per document."""
    by_doc: dict[str, list[tuple[str, str]]] = {}
    for doc, label, lang in items:
        by_doc.setdefault(doc, []).append((label, lang))
    results = []
    for doc, names in by_doc.items():
        assertions, seen = [], []
        for label, lang in names:
            person, sentence = new(label), f"{label} said so."
            ev = Evidence(doc, sentence, 0, 0, len(sentence), lang)
            assertions.append(Assertion(person, "officialOf", BELARUS, ev, confidence=0.8))
            seen.append((person.id, lang, label))
        results.append(ExtractionResult(Article(doc, doc, "en", date="2024-07-01"), tuple(assertions),
                                        names=tuple(sorted(set(seen)))))
    return merge(results, ontology=ONTOLOGY, rules=NO_RULES, names=TABLES)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b.md", "c#1.jsonl", "d.html"]), st.sampled_from(SPELLINGS)),
                min_size=1, max_size=10), st.randoms())
def test_merge_is_order_independent_and_idempotent(items, rnd):
    flat = [(doc, label, lang) for doc, (label, lang) in items]
    one = graph_of(flat)
    shuffled = list(flat)
    rnd.shuffle(shuffled)
    two = graph_of(shuffled)
    assert two == one
    assert graph_of(flat + shuffled) == one
    formats()
    assert REGISTRY["turtle"].render(two, ONTOLOGY) == REGISTRY["turtle"].render(one, ONTOLOGY)


def test_merge_rewrites_edges_and_keeps_every_name():
    g = graph_of([("a.txt", "Ivan Petrov", "en"), ("b.txt", "Иван Петров", "ru"), ("c.txt", "Ivan Petroff", "fr"),
                  ("d.txt", "Сергей Шойгу", "ru")])
    assert sorted(g.entities) == ["Belarus", "SergeiShoigu", "new/Person/ivan_petrov"]
    (edge,) = [e for e in g.edges if e.subject.id == "new/Person/ivan_petrov"]
    assert edge.sources == 3 and edge.mentions == 3
    assert {text for _, text in g.seen_as["new/Person/ivan_petrov"]} == {"Ivan Petrov", "Иван Петров", "Ivan Petroff"}
    assert {(m.merged, m.canonical, m.rule) for m in g.merges} == {
        ("new/Person/иван_петров", "new/Person/ivan_petrov", TRANSLITERATION),
        ("new/Person/ivan_petroff", "new/Person/ivan_petrov", TRANSLITERATION),
        ("new/Person/сергей_шойгу", "SergeiShoigu", ONTOLOGY_ALIAS)}


def test_merge_without_dedupe_keeps_every_spelling():
    results = [ExtractionResult(Article(doc, "", lang), (Assertion(new(label), "officialOf", BELARUS,
                                                                   Evidence(doc, label, 0, 0, 1, lang)),))
               for doc, label, lang in (("a.txt", "Ivan Petrov", "en"), ("b.txt", "Иван Петров", "ru"))]
    assert len(merge(results, dedupe=False).entities) == 3
    assert len(merge(results).entities) == 2  # the default ontology, names table and merges file


def test_merges_are_in_the_rdf_for_sparql():
    g = build_rdf(graph_of([("a.txt", "Ivan Petrov", "en"), ("b.txt", "Иван Петров", "ru"),
                            ("c.txt", "Pavel Latushko", "en"), ("d.txt", "Павло Латушко", "uk")]), ONTOLOGY)
    rows = {(str(r.name), str(r.rule), str(r.into).rsplit("/", 1)[-1], r.score and float(r.score)) for r in g.query("""
        PREFIX kg: <https://w3id.org/kg-rbu/ontology#>
        SELECT ?name ?rule ?into ?score WHERE {
          ?m a kg:EntityMerge ; kg:mergedInto ?into ; kg:mergedName ?name ; kg:mergeRule ?rule ; kg:mergedEntity ?old .
          OPTIONAL { ?m kg:mergeScore ?score } }""")}
    assert ("Иван Петров", TRANSLITERATION, "ivan_petrov", None) in rows
    (latushko,) = [r for r in rows if r[0] == "Павло Латушко"]
    assert latushko[1:3] == (FUZZY, "pavel_latushko") and latushko[3] >= 80
    # The merged entity left no node behind: its IRI is only the object of kg:mergedEntity.
    old = ENT["new/Person/%D0%B8%D0%B2%D0%B0%D0%BD_%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2"]
    assert set(g.predicates(None, old)) == {KG.mergedEntity} and not list(g.triples((old, None, None)))
    text = g.serialize(format="turtle")
    assert len(Graph().parse(data=text, format="turtle")) == len(g)


# ------------------------------------------------------------------ end to end: kg build on three languages
# An invented deputy minister, named after his title in three languages and scripts.
ARTICLES = {
    "deputy-en.txt": "Belarus accused Ukraine of massing troops near the border on 2 July 2024, Belarusian Deputy "
                     "Defence Minister Dmitry Korolkevich said on Tuesday. Deputy Defence Minister Dmitry "
                     "Korolkevich said Belarus would reinforce its border with Ukraine.",
    "deputy-ru.txt": "Заместитель министра обороны Белоруссии Дмитрий Королькевич заявил во вторник, что Украина "
                     "стягивает войска к границе. Заместитель министра обороны Дмитрий Королькевич сказал, что "
                     "Белоруссия усилит границу с Украиной.",
    "deputy-uk.txt": "Заступник міністра оборони Білорусі Дмитро Королькевич заявив, що Україна стягує війська до "
                     "кордону. Заступник міністра оборони Дмитро Королькевич сказав, що Білорусь посилить кордон "
                     "з Україною.",
}


@pytest.mark.slow
def test_build_makes_one_node_for_a_person_named_in_three_languages(tmp_path: Path):
    from kg.browse import merges
    from kg.build import build
    from kg.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "out"
    report = build(corpus, out, formats=("turtle",))
    assert report.read == 3 and report.graph is not None
    people = [e for e in report.graph.entities.values() if not e.in_ontology and e.type == "Person"]
    assert [p.id for p in people] == ["new/Person/dmitry_korolkevich"], people
    assert set(people[0].aliases) == {"Дмитрий Королькевич", "Дмитро Королькевич"}
    assert {lang for lang, _ in report.graph.seen_as[people[0].id]} == {"en", "ru", "uk"}
    assert {e.object.id for e in report.graph.edges if e.subject.id == people[0].id} == {"Belarus"}
    recorded = merges(out / "graph.ttl")["new/Person/dmitry_korolkevich"]
    assert {(m.name, m.rule) for m in recorded} == {("Дмитрий Королькевич", TRANSLITERATION),
                                                    ("Дмитро Королькевич", FUZZY)}
    listed = CliRunner().invoke(main, ["entities", "--merges", "--out", str(out)])
    assert listed.exit_code == 0, listed.output
    assert "merged: Дмитро Королькевич (new/Person/дмитро_королькевич) by fuzzy" in listed.output
    shown = CliRunner().invoke(main, ["show", "Дмитро Королькевич", "--out", str(out)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("Dmitry Korolkevich (Person, new/Person/dmitry_korolkevich)")
