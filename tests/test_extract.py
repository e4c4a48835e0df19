"""Table-driven extraction rules in every supported language.

Each case is one short news sentence and what an analyst reads out of it:
(subject, relation, object, polarity). Entities are ontology ids.
"""
from __future__ import annotations

import pytest

from kg.extract import Extractor
from kg.model import Article
from kg.ontology import load_ontology


@pytest.fixture(scope="module")
def extractor():
    return Extractor(load_ontology())


def found(extractor, lang: str, text: str) -> set[tuple[str, str, str, str]]:
    result = extractor.extract(Article(doc_id=f"t.{lang}", text=text, lang=lang, date="2024-08-13"))
    return {(a.subject.id, a.relation, a.object.id, a.polarity) for a in result.assertions}


CASES = [
    # English
    ("en", "Belarus accused Ukraine of provocations on the border.", ("Belarus", "accuses", "Ukraine", "positive")),
    ("en", "Poland moved troops to its border with Belarus.", ("Poland", "reinforcesBorderWith", "Belarus", "positive")),
    ("en", "Belarus has ruled out joining the war against Ukraine.", ("Belarus", "joinsWarAgainst", "Ukraine", "negative")),
    ("en", "Belarusian President Alexander Lukashenko met Vladimir Putin in Minsk.",
     ("AlexanderLukashenko", "leaderOf", "Belarus", "positive")),
    ("en", "The European Union imposed new sanctions on Belarus.", ("EuropeanUnion", "sanctions", "Belarus", "positive")),
    # French
    ("fr", "Le ministère biélorusse de la Défense a accusé l'Ukraine de provocations.",
     ("Belarus", "accuses", "Ukraine", "positive")),
    ("fr", "La Pologne a condamné la Russie.", ("Poland", "condemns", "Russia", "positive")),
    ("fr", "La Biélorussie n'a pas envoyé de troupes en Ukraine.", ("Belarus", "deploysTo", "Ukraine", "negative")),
    ("fr", "Le président russe Vladimir Poutine a rencontré Alexandre Loukachenko.",
     ("VladimirPutin", "leaderOf", "Russia", "positive")),
    # Indonesian
    ("id", "Belarusia mendukung Rusia atas invasinya ke Ukraina.", ("Belarus", "supports", "Russia", "positive")),
    ("id", "Minsk menuduh Kiev melakukan provokasi di dekat perbatasannya.", ("Belarus", "accuses", "Ukraine", "positive")),
    ("id", "Presiden Belarusia Alexander Lukashenko mengerahkan pasukannya ke wilayah perbatasan dengan Ukraina.",
     ("Belarus", "reinforcesBorderWith", "Ukraine", "positive")),
    ("id", "Rusia tidak akan mengirim pasukan ke Belarus.", ("Russia", "deploysTo", "Belarus", "negative")),
    # Russian
    ("ru", "Минобороны Белоруссии обвинило Украину в провокациях.", ("Belarus", "accuses", "Ukraine", "positive")),
    ("ru", "Президент Белоруссии Александр Лукашенко провёл переговоры с Владимиром Путиным.",
     ("AlexanderLukashenko", "leaderOf", "Belarus", "positive")),
    ("ru", "Польша перебросила войска к границе с Белоруссией.", ("Poland", "reinforcesBorderWith", "Belarus", "positive")),
    ("ru", "Белоруссия не будет вступать в войну против Украины.", ("Belarus", "joinsWarAgainst", "Ukraine", "negative")),
    # Ukrainian
    ("uk", "Міністерство оборони Білорусі звинуватило Україну в провокаціях.", ("Belarus", "accuses", "Ukraine", "positive")),
    ("uk", "Литва засудила Білорусь.", ("Lithuania", "condemns", "Belarus", "positive")),
    ("uk", "Україна посилила кордон з Білоруссю.", ("Ukraine", "reinforcesBorderWith", "Belarus", "positive")),
    ("uk", "Президент України Володимир Зеленський зустрівся з Андрієм Сибігою.",
     ("VolodymyrZelensky", "leaderOf", "Ukraine", "positive")),
    # "They" after a group's fighters is the group, and its denial stays a denial.
    ("id", "Prigozhin mengatakan kepada para pejuang Wagner bahwa mereka tidak akan ikut berperang melawan Ukraina.",
     ("WagnerGroup", "joinsWarAgainst", "Ukraine", "negative")),
    ("fr", "Evgueni Prigojine a dit aux combattants de Wagner qu'ils ne participeraient pas à la guerre en Ukraine.",
     ("WagnerGroup", "joinsWarAgainst", "Ukraine", "negative")),
    ("ru", "Пригожин заявил бойцам ЧВК Вагнер, что они не будут участвовать в войне против Украины.",
     ("WagnerGroup", "joinsWarAgainst", "Ukraine", "negative")),
    # Thanking X for military aid: X supplies, the one who thanks receives.
    ("en", "Zelensky thanked Germany for the new military aid.", ("Germany", "suppliesArmsTo", "Ukraine", "positive")),
    ("uk", "Зеленський подякував Німеччині за військову допомогу.",
     ("Germany", "suppliesArmsTo", "Ukraine", "positive")),
    ("id", "Zelensky berterima kasih kepada Jerman atas bantuan militer baru.",
     ("Germany", "suppliesArmsTo", "Ukraine", "positive")),
]


@pytest.mark.parametrize("lang, sentence, expected", CASES)
def test_rule(extractor, lang, sentence, expected):
    assert expected in found(extractor, lang, sentence)


# Clause structure: who is the subject of a verb whose nearest name before it is
# something else (an object, a parenthesis), and what "the two countries" are.
# (subject, relation, object, polarity, modality); symmetric pairs in id order.
CLAUSE_CASES = [
    # The object of allow/permit is the subject of the infinitive; a purpose
    # clause shares the subject of the verb whose object stands before it.
    ("en", "Lukashenko allowed Moscow to use Belarusian territory to launch its invasion of Ukraine.",
     ("Russia", "attacks", "Ukraine", "positive", "asserted")),
    ("en", "Russia used Belarusian territory to launch strikes on Ukraine.",
     ("Russia", "attacks", "Ukraine", "positive", "asserted")),
    ("id", "Lukashenko mengizinkan Moskow untuk menggunakan wilayah Belarus untuk melancarkan invasi ke Ukraina.",
     ("Russia", "usesTerritoryOf", "Belarus", "positive", "asserted")),
    ("fr", "Minsk a autorisé la Russie à déployer des missiles en Biélorussie.",
     ("Russia", "deploysTo", "Belarus", "positive", "asserted")),
    ("uk", "Лукашенко дозволив Москві використати територію Білорусі для вторгнення в Україну.",
     ("Russia", "attacks", "Ukraine", "positive", "asserted")),
    # A coordinated verb shares the subject of the clause's first verb.
    ("en", "Ukraine accused Belarus of massing troops near the border and warned Minsk against provocations.",
     ("Ukraine", "threatens", "Belarus", "positive", "asserted")),
    ("en", "Belarus is not a member of NATO and has been Russia's closest ally since 2022.",
     ("Belarus", "allyOf", "Russia", "positive", "asserted")),
    ("ru", "Украина обвинила Белоруссию в наращивании войск у границы и предупредила Минск о последствиях.",
     ("Ukraine", "threatens", "Belarus", "positive", "asserted")),
    ("id", "Rusia memindahkan pasukan ke Belarus dan mengerahkan rudal ke Grodno.",
     ("Russia", "deploysTo", "GrodnoRegion", "positive", "asserted")),
    # "said its units": the speaker of a "said" coordinated with an earlier verb.
    ("en", "Belarus's Defence Ministry denied any plans to attack Ukraine and said its units were conducting "
           "drills with Russian forces.", ("Belarus", "conductsExerciseWith", "Russia", "positive", "reported")),
    # "The two countries": the last two states the sentence names before it.
    ("en", "Putin congratulated Lukashenko and said the two countries would deepen military cooperation.",
     ("Belarus", "cooperatesWith", "Russia", "positive", "hypothetical")),
    ("ru", "Минск не планирует стягивать войска к границам с Польшей и Литвой и не угрожает этим странам.",
     ("Belarus", "threatens", "Poland", "negative", "asserted")),
    # A parenthesis between the subject and its verb does not take its place.
    ("en", "Lithuania, which also borders Belarus, said it would close its border crossings with Belarus.",
     ("Lithuania", "reinforcesBorderWith", "Belarus", "positive", "hypothetical")),
    ("ru", "Литва, граничащая с Белоруссией, закрыла границу с Белоруссией.",
     ("Lithuania", "reinforcesBorderWith", "Belarus", "positive", "asserted")),
    ("id", "Lituania, yang berbatasan dengan Belarus, kemudian mengerahkan pasukan ke Grodno.",
     ("Lithuania", "deploysTo", "GrodnoRegion", "positive", "asserted")),
    ("uk", "Литва, як і Польща та Латвія, є членом НАТО.", ("Lithuania", "memberOf", "NATO", "positive", "asserted")),
    ("uk", "Литва, як і Польща та Латвія, є членом НАТО.", ("Poland", "memberOf", "NATO", "positive", "asserted")),
    # A place after a possessor is the object; a border right after the object.
    ("en", "Ukraine launched an incursion into Russia's Kursk region.",
     ("Ukraine", "attacks", "KurskOblast", "positive", "asserted")),
    ("en", "Poland moved troops to the Belarusian border.",
     ("Poland", "reinforcesBorderWith", "Belarus", "positive", "asserted")),
    # "Never ... unless": denied, and possible on a condition; both are read.
    ("en", "Lukashenko said Belarus would never join the war in Ukraine unless it was attacked.",
     ("Belarus", "joinsWarAgainst", "Ukraine", "positive", "hypothetical")),
    ("en", "Lukashenko said Belarus would never join the war in Ukraine unless it was attacked.",
     ("Belarus", "joinsWarAgainst", "Ukraine", "negative", "hypothetical")),
    ("fr", "La Biélorussie n'entrera pas en guerre contre l'Ukraine, sauf si un soldat ukrainien franchit notre "
           "frontière.", ("Belarus", "joinsWarAgainst", "Ukraine", "positive", "hypothetical")),
    ("ru", "Белоруссия не вступит в войну против Украины, если только не подвергнется нападению.",
     ("Belarus", "joinsWarAgainst", "Ukraine", "positive", "hypothetical")),
    ("id", "Belarus tidak akan ikut berperang melawan Ukraina kecuali jika wilayahnya diserang.",
     ("Belarus", "joinsWarAgainst", "Ukraine", "positive", "hypothetical")),
    # "The country" as an object is the state last a subject.
    ("en", "Belarus hosts Wagner fighters. Russian missiles would be stationed in the country next year.",
     ("Russia", "deploysTo", "Belarus", "positive", "hypothetical")),
    ("fr", "La Biélorussie accueille les combattants de Wagner. Des missiles russes seront déployés dans le pays.",
     ("Russia", "deploysTo", "Belarus", "positive", "asserted")),
    # "X, its closest ally": the owner of the pronoun is the other party.
    ("en", "The Kremlin said Russia would respond with all means if Poland attacked Belarus, its closest ally.",
     ("Belarus", "allyOf", "Russia", "positive", "reported")),
    ("uk", "Путін зустрівся з Лукашенком, своїм найближчим союзником.",
     ("Belarus", "allyOf", "Russia", "positive", "asserted")),
    # "It" is not the demonym of the sentence before ("Russian missiles").
    ("en", "Belarus accused Poland of provocations. Russian missiles were stationed in Belarus. "
           "It also accused Lithuania of provocations.", ("Belarus", "accuses", "Lithuania", "positive", "asserted")),
]


@pytest.mark.parametrize("lang, sentence, expected", CLAUSE_CASES)
def test_clause_structure(extractor, lang, sentence, expected):
    result = extractor.extract(Article(doc_id=f"t.{lang}", text=sentence, lang=lang, date="2024-08-13"))
    got = {(a.subject.id, a.relation, a.object.id, a.polarity, a.modality) for a in result.assertions}
    assert expected in got


@pytest.mark.parametrize("lang, sentence, forbidden", [
    # The subject of an infinitive after allow/permit is the one allowed, not the one allowing.
    ("en", "Lukashenko allowed Moscow to use Belarusian territory to launch its invasion of Ukraine.",
     ("Belarus", "attacks", "Ukraine", "positive")),
    ("uk", "Лукашенко дозволив Москві використати територію Білорусі для вторгнення в Україну.",
     ("Belarus", "attacks", "Ukraine", "positive")),
    # The object of the first of two coordinated verbs is not the subject of the second.
    ("ru", "Россия перебросила войска в Белоруссию и разместила ракеты под Гродно.",
     ("Belarus", "deploysTo", "GrodnoRegion", "positive")),
    ("id", "Rusia memindahkan pasukan ke Belarus dan mengerahkan rudal ke Grodno.",
     ("Belarus", "deploysTo", "GrodnoRegion", "positive")),
    ("en", "Belarus is not a member of NATO and has been Russia's closest ally since 2022.",
     ("NATO", "allyOf", "Russia", "positive")),
    # A name inside a parenthesis is not the subject of the verb after it.
    ("en", "Lukashenko, an ally of Putin, deployed troops to Grodno.", ("Russia", "deploysTo", "GrodnoRegion", "positive")),
    # Two coordinated regions do not lie in each other.
    ("en", "Kyiv reinforced its positions in the Volyn and Chernihiv regions.",
     ("VolynOblast", "locatedIn", "ChernihivOblast", "positive")),
    ("uk", "Україна перекинула підрозділи на Волинь і Рівненщину.", ("VolynOblast", "locatedIn", "RivneOblast", "positive")),
    # Only an apposition's pronoun names the other party of "its ally".
    ("fr", "Le Kremlin a déclaré que la Russie riposterait si la Pologne attaquait la Biélorussie, son plus proche "
           "allié.", ("Poland", "allyOf", "Russia", "positive")),
    # "to the Belarusian border" is the border, not Belarus.
    ("en", "Poland moved troops to the Belarusian border.", ("Poland", "deploysTo", "Belarus", "positive")),

    # Moving to the border with X is not deploying to X.
    ("en", "Poland moved troops to its border with Belarus.", ("Poland", "deploysTo", "Belarus", "positive")),
    ("id", "Presiden Belarusia Alexander Lukashenko mengerahkan pasukannya ke wilayah perbatasan dengan Ukraina.",
     ("Belarus", "deploysTo", "Ukraine", "positive")),
    # A denial is never a positive fact.
    ("en", "Belarus has ruled out joining the war against Ukraine.", ("Belarus", "joinsWarAgainst", "Ukraine", "positive")),
    ("ru", "Белоруссия не будет вступать в войну против Украины.", ("Belarus", "joinsWarAgainst", "Ukraine", "positive")),
])
def test_misreading_avoided(extractor, lang, sentence, forbidden):
    assert forbidden not in found(extractor, lang, sentence)


def test_modality_and_attribution(extractor):
    text = "A Russian foreign ministry official said that Belarus could join the war against Ukraine."
    result = extractor.extract(Article(doc_id="m.en", text=text, lang="en"))
    joins = [a for a in result.assertions if a.relation == "joinsWarAgainst"]
    assert joins and joins[0].modality == "hypothetical" and joins[0].polarity == "positive"


def test_evidence_offsets_and_dates(extractor):
    text = "JAKARTA - Rusia menyerang Ukraina pada Selasa (13/8/2024).\nBelarusia mendukung Rusia."
    result = extractor.extract(Article(doc_id="d.id", text=text, lang="id", date="2024-08-14"))
    for a in result.assertions:
        ev = a.evidence
        assert text[ev.char_start:ev.char_end].strip() == ev.sentence
        assert a.doc_date == "2024-08-14"
    attacks = [a for a in result.assertions if a.relation == "attacks"]
    assert attacks and attacks[0].event_date == "2024-08-13"


def test_case_forms_resolve_to_one_entity(extractor):
    ids = set()
    for lang, text in (("ru", "Путин встретился с Лукашенко. Встреча с Лукашенком прошла в Минске."),
                       ("uk", "Зустріч із Лукашенком відбулася в Мінську."),
                       ("fr", "Poutine a rencontré Loukachenko."),
                       ("id", "Putin bertemu Lukashenko.")):
        result = extractor.extract(Article(doc_id="c", text=text, lang=lang))
        ids |= {m.entity.id for _, m in result.mentions if "ukash" in m.entity.id.lower()}
    assert ids == {"AlexanderLukashenko"}
