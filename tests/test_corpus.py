"""Tests of the corpus reader (kg/corpus.py) and date finder (kg/dates.py)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.corpus import (
    Boilerplate,
    detect_language,
    iter_corpus,
    load_boilerplate,
    read_path,
    strip_boilerplate,
    strip_markdown,
)
from kg.dates import dateline_date, find_dates, load_date_names, normalise_date
from kg.errors import ArticleError, DataFileError
from kg.model import Article, Skipped

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "reader"

SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))

GERMAN = (
    "Die belarussische Armee hat am Montag mehrere Einheiten an die Grenze zur Ukraine verlegt. "
    "Das Verteidigungsministerium in Minsk sprach von einer Übung, die mehrere Wochen dauern soll."
)
ENGLISH = (
    "Belarus has moved several army units to its southern border with Ukraine, "
    "the defence ministry in Minsk said on Thursday."
)
RUSSIAN = (
    "Министерство обороны Белоруссии заявило, что российские войска прибыли в Минск "
    "для совместных учений. Лукашенко встретился с Путиным в Москве."
)
UKRAINIAN = (
    "Державна прикордонна служба України повідомила, що Білорусь стягує війська до кордону. "
    "Їхня кількість поки що незначна, але загроза є."
)
FRENCH = (
    "Le ministère biélorusse de la Défense a accusé l'Ukraine de déployer ses troupes près de la "
    "frontière. À Minsk, les responsables ont évoqué une provocation délibérée."
)


def seed(name_prefix: str) -> Article:
    """The one Article read from the seed whose file name starts with `name_prefix`."""
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    (article,) = read_path(path, SEEDS)
    return article


def write(directory: Path, name: str, content: str | bytes) -> Path:
    """Write a fixture file (text as UTF-8) and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ---------------------------------------------------------------- the seeds


@pytest.mark.parametrize(
    "prefix, lang, date",
    [("000", "fr", None), ("001", "id", None), ("002", "id", "2024-08-13"), ("003", "id", "2024-11-08"),
     ("004", "id", "2022-12-03")],
)  # fmt: skip
def test_seed_language_and_date(prefix: str, lang: str, date: str | None) -> None:
    article = seed(prefix)
    assert article.lang == lang
    assert article.date == date


@pytest.mark.parametrize("name", SEED_FILES)
@pytest.mark.parametrize(
    "boilerplate",
    ["Baca juga", "More Stories", "KEYWORD", "automatically generated", "DigitalSiber", "Penggemar bir",
     "JURNAS VIDEO", "PILIHAN REDAKSI", "Sumber:"],
)  # fmt: skip
def test_no_boilerplate_survives_in_seeds(name: str, boilerplate: str) -> None:
    (article,) = read_path(SEEDS / name, SEEDS)
    assert boilerplate.lower() not in article.text.lower()


def test_seed_001_is_cut_at_more_stories() -> None:
    article = seed("001")
    assert article.text.endswith("sejak awal konflik.")
    assert "Banjir bandang" not in article.text
    assert "Korea Utara" not in article.text
    assert article.removed_lines == 5  # bio, "More Stories" and the three teasers


def test_seed_text_is_unchanged_apart_from_removed_lines() -> None:
    raw = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    article = seed("002")
    kept = [line for line in raw.split("\n") if not line.startswith("Baca juga:")]
    assert article.text == "\n".join(kept)
    assert article.removed_lines == 2


def test_seed_003_keeps_paragraph_breaks_without_doubling() -> None:
    text = seed("003").text
    assert text.startswith("Jum'at, 08/11/2024 04:40 WIB\n\nDukung Belarusia")
    assert "\n\n\n" not in text
    assert "(Reuters)" in text  # inline credit in a sentence is kept; only a lone "(Reuters)" goes


def test_seed_metadata() -> None:
    article = seed("000")
    assert article.doc_id == next(SEEDS.glob("000_*.txt")).name
    assert len(article.sha256) == 64
    assert article.title is None and article.url is None


# ------------------------------------------------------------------ formats


def test_markdown_with_front_matter() -> None:
    (article,) = read_path(DATA / "front_matter.md", DATA)
    assert article.doc_id == "front_matter.md"
    assert article.title == "Belarus hosts Russian air-defence units"
    assert article.date == "2024-03-14"
    assert article.source == "Example Wire"
    assert article.url == "https://wire.example.org/belarus-air-defence"
    assert article.lang == "en"
    text = article.text
    assert text.startswith("Belarus hosts Russian air-defence units\n")
    assert "Russia has moved two air-defence battalions to Belarus" in text
    assert "on Thursday, as part of the joint regional air-defence system." in text
    assert "no immediate threat" in text
    for gone in ("#", "**", "](", "launcher.jpg", "Read also", "Photo:", "---", "lang: en"):
        assert gone not in text
    assert article.removed_lines == 2


def test_markdown_bad_date_in_front_matter_falls_back_to_dateline() -> None:
    (article,) = read_path(DATA / "bad_date.md", DATA)
    assert article.title == "Lukashenko meets Putin"
    assert article.lang == "fr"
    assert article.date == "2023-03-03"


def test_markdown_malformed_yaml_is_an_article_error() -> None:
    with pytest.raises(ArticleError, match="malformed YAML front matter") as caught:
        read_path(DATA / "bad_yaml.md", DATA)
    assert caught.value.path.endswith("bad_yaml.md")


def test_markdown_unclosed_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "open.md", f"---\ntitle: x\n{ENGLISH}\n")
    with pytest.raises(ArticleError, match="never closed"):
        read_path(path)


def test_markdown_title_from_first_heading(tmp_path: Path) -> None:
    (article,) = read_path(write(tmp_path, "plain.markdown", f"Intro line.\n\n## *Troops* move ##\n\n{ENGLISH}\n"))
    assert article.title == "Troops move"
    assert article.text == f"Intro line.\n\nTroops move\n\n{ENGLISH}"
    assert article.date is None


def test_strip_markdown_drops_empty_headings_and_images() -> None:
    source = "#\n## Title ##\n![pic](x.png)\n> quoted *word* and `code`\n- item with __bold__\nsnake_case_name stays"
    assert strip_markdown(source) == "Title\nquoted word and code\nitem with bold\nsnake_case_name stays"


def test_html_main_text_and_metadata() -> None:
    (article,) = read_path(DATA / "page.html", DATA)
    assert article.lang == "en"
    assert article.title == "Belarus moves troops to border"
    assert article.date == "2024-03-14"
    assert article.source == "Example News"
    assert article.url == "https://news.example.com/2024/03/belarus-troops"
    assert "Belarus has moved several army units" in article.text
    assert "close allies" in article.text
    for gone in ("SHOULD_NOT_APPEAR", "tracking", "color: red", "Read also", "Follow us", "Home"):
        assert gone not in article.text


def test_html_fallback_without_trafilatura_result(tmp_path: Path) -> None:
    html = (
        "<html><head><style>.x{}</style></head><body><script>alert('SCRIPT')</script>"
        f"<iframe>FRAME</iframe><noscript>NOSCRIPT</noscript><div>{ENGLISH}</div></body></html>"
    )
    (article,) = read_path(write(tmp_path, "tiny.htm", html))
    assert article.text == ENGLISH
    assert article.lang == "en"


def test_html_without_any_text_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.html", "<html><body><script>var a = 1;</script></body></html>")
    with pytest.raises(ArticleError, match="no text found"):
        read_path(path)


def test_json_object() -> None:
    (article,) = read_path(DATA / "record.json", DATA)
    assert article.doc_id == "record.json#tass-0412"
    assert article.lang == "ru"
    assert article.date == "2024-04-04"
    assert article.title == "Шойгу посетил Минск"
    assert article.source == "Example"
    assert article.url == "https://news.example.ru/shoigu-minsk"
    assert "Читайте также" not in article.text
    assert article.text.endswith("российских войск в Белоруссии.")
    assert article.removed_lines == 1


def test_json_array() -> None:
    first, second = read_path(DATA / "records.json", DATA)
    assert first.doc_id == "records.json#1"
    assert first.lang == "uk"
    assert first.date == "2024-08-12"
    assert first.title == "Загроза з півночі"
    assert "Дивіться також" not in first.text
    assert second.doc_id == "records.json#7"
    assert second.lang == "id"
    assert second.date == "2024-08-13"
    assert first.sha256 != second.sha256


def test_jsonl_with_a_malformed_line_reads_the_others() -> None:
    items = list(iter_corpus(DATA / "records.jsonl"))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Skipped", "Article"]
    first, broken, textless, last = items
    assert isinstance(first, Article) and isinstance(last, Article)
    assert first.doc_id == "records.jsonl#1"
    assert (first.lang, first.date, first.url) == ("fr", "2022-02-10", "https://exemple.fr/manoeuvres")
    assert isinstance(broken, Skipped) and "malformed JSON at line 3" in broken.reason
    assert isinstance(textless, Skipped) and textless.reason == "line 4: JSON record without text"
    assert last.doc_id == "records.jsonl#4"  # numbered among non-blank lines, the broken one included
    assert (last.lang, last.date) == ("en", "2024-03-14")


def test_read_path_is_strict_about_bad_records() -> None:
    with pytest.raises(ArticleError, match="line 3"):
        read_path(DATA / "records.jsonl", DATA)


@pytest.mark.parametrize(
    "content, reason",
    [("{", "malformed JSON at line 1"), ("[]", "no records"), ("42", "neither an object nor an array"),
     ('{"title": "x"}', "JSON record without text"), ('{"text": "   "}', "JSON record without text")],
)  # fmt: skip
def test_bad_json_files(tmp_path: Path, content: str, reason: str) -> None:
    (skipped,) = list(iter_corpus(write(tmp_path, "bad.json", content)))
    assert isinstance(skipped, Skipped) and reason in skipped.reason


def test_json_duplicate_ids_are_skipped(tmp_path: Path) -> None:
    records = f'{{"id": "a", "text": "{ENGLISH}"}}\n{{"id": "a", "text": "{ENGLISH}"}}\n'
    first, second = iter_corpus(write(tmp_path, "dup.jsonl", records))
    assert isinstance(first, Article) and first.doc_id == "dup.jsonl#a"
    assert isinstance(second, Skipped) and "duplicate id" in second.reason


def test_sha256_of_a_json_record_ignores_formatting(tmp_path: Path) -> None:
    one = read_path(write(tmp_path, "a.json", f'{{"text": "{ENGLISH}", "lang": "en"}}'))[0]
    two = read_path(write(tmp_path, "b.json", f'{{\n  "lang": "en",\n  "text": "{ENGLISH}"\n}}'))[0]
    assert one.sha256 == two.sha256


# ----------------------------------------------------------------- language


@pytest.mark.parametrize(
    "text, lang", [(ENGLISH, "en"), (RUSSIAN, "ru"), (UKRAINIAN, "uk"), (FRENCH, "fr"), (GERMAN, "de")]
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_unsupported_language_is_skipped(tmp_path: Path) -> None:
    (skipped,) = list(iter_corpus(write(tmp_path, "de.txt", GERMAN)))
    assert skipped == Skipped(str(tmp_path / "de.txt"), "unsupported language: de")


def test_language_from_metadata_wins(tmp_path: Path) -> None:
    (article,) = read_path(write(tmp_path, "x.md", f"---\nlang: fr\n---\n{ENGLISH}\n"))
    assert article.lang == "fr"


def test_unselected_language_is_skipped(tmp_path: Path) -> None:
    (skipped,) = list(iter_corpus(write(tmp_path, "en.txt", ENGLISH), languages=["ru"]))
    assert isinstance(skipped, Skipped) and skipped.reason == "language not selected: en"


def test_too_short_to_detect(tmp_path: Path) -> None:
    (skipped,) = list(iter_corpus(write(tmp_path, "short.txt", "Minsk, 2024.")))
    assert isinstance(skipped, Skipped) and skipped.reason == "too short to detect a language"


# ------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "empty file"), (b"  \n\t\r\n ", "whitespace only"), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF)"),
     (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG)"), (b"abc\x00def\x00" * 20, "binary file (NUL bytes)"),
     ("Baca juga: Putin bertemu Lukashenko\n".encode(), "no text left after removing boilerplate")],
)  # fmt: skip
def test_unusable_txt_files_are_skipped(tmp_path: Path, content: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.txt", content)
    assert list(iter_corpus(tmp_path)) == [Skipped(str(path), reason)]
    with pytest.raises(ArticleError) as caught:
        read_path(path)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "text, encoding, lang",
    [(RUSSIAN, "cp1251", "ru"), (RUSSIAN, "koi8-r", "ru"), (UKRAINIAN, "cp1251", "uk"), (UKRAINIAN, "koi8-u", "uk"),
     (FRENCH, "latin-1", "fr"), (FRENCH.replace("'", "’"), "cp1252", "fr"), (RUSSIAN, "utf-8-sig", "ru"),
     (FRENCH, "utf-16", "fr")],
)  # fmt: skip
def test_legacy_encodings_are_decoded(tmp_path: Path, text: str, encoding: str, lang: str) -> None:
    (article,) = read_path(write(tmp_path, "enc.txt", text.encode(encoding)))
    assert article.text == text
    assert article.lang == lang


def test_windows_newlines_and_nfd_are_normalised(tmp_path: Path) -> None:
    nfd = "Le ministe\u0300re de la De\u0301fense a annonce\u0301 des manœuvres pre\u0300s de la frontie\u0300re."
    (article,) = read_path(write(tmp_path, "nfd.txt", nfd + "\r\nDeuxième ligne du même article.\r\n"))
    assert article.text == "Le ministère de la Défense a annoncé des manœuvres près de la frontière.\n" \
        "Deuxième ligne du même article."


# -------------------------------------------------------------- the walker


def test_walk_order_is_sorted_and_deterministic(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.md", "a/b.txt", "C.txt", "notes.csv", ".hidden.txt", ".git/x.txt"):
        write(tmp_path, name, ENGLISH)
    first = [item.doc_id for item in iter_corpus(tmp_path) if isinstance(item, Article)]
    assert first == ["C.txt", "a/b.txt", "a/z.md", "b.txt"]
    assert first == [item.doc_id for item in iter_corpus(tmp_path) if isinstance(item, Article)]


def test_symlink_loop_is_skipped_and_the_walk_finishes(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", ENGLISH)
    write(tmp_path, "sub/b.txt", ENGLISH)
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    items = list(iter_corpus(tmp_path))
    assert [i.doc_id for i in items if isinstance(i, Article)] == ["a.txt", "sub/b.txt"]
    skipped = {i.path: i.reason for i in items if isinstance(i, Skipped)}
    assert skipped[str(tmp_path / "sub" / "loop")] == "symlink loop"
    assert "symbolic link" in skipped[str(tmp_path / "self.txt")]


@pytest.mark.parametrize(
    "name", ["with space.txt", "quote's \"double\".txt", "статья ünïcödé.txt", "-leading-dash.txt", "UPPER.TXT"]
)
def test_awkward_file_names(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, ENGLISH)
    (article,) = read_path(path, tmp_path)
    assert article.doc_id == name
    assert article.path == str(path)
    (walked,) = list(iter_corpus(tmp_path))
    assert walked == article


def test_doc_id_uses_posix_separators_relative_to_root(tmp_path: Path) -> None:
    path = write(tmp_path, "2024/03/news.txt", ENGLISH)
    assert read_path(path, tmp_path)[0].doc_id == "2024/03/news.txt"
    assert read_path(path)[0].doc_id == "news.txt"


def test_missing_root_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        list(iter_corpus(tmp_path / "nowhere"))


def test_seed_directory_reads_whole(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    items = list(iter_corpus(tmp_path / "seeds"))
    assert all(isinstance(i, Article) for i in items)
    assert [i.doc_id for i in items] == SEED_FILES


# ------------------------------------------------------------- boilerplate


def test_boilerplate_file_loads() -> None:
    rules = load_boilerplate()
    assert rules.drop and rules.stop
    assert load_boilerplate() is rules  # cached


@pytest.mark.parametrize(
    "line",
    ["Baca juga: Putin bertemu Lukashenko", "Read also: Minsk talks", "Read more", "See also: drills",
     "Lire aussi : Minsk", "À lire aussi : la frontière", "Voir aussi", "Читайте также: учения", "Читайте також: Київ",
     "Смотрите также", "Дивіться також: кордон", "JURNAS VIDEO :", "PILIHAN REDAKSI :", "Sumber: Reuters",
     "Source: AFP", "Editor: Hasanudin Aco", "Penulis: Budi", "Reporter: Andi", "(Reuters)", "Foto: Ilustrasi tank",
     "Photo: soldiers at Brest", "VIDEO: drills near Minsk", "FOTO: pasukan Belarusia", "Фото: учения в Беларуси",
     "Share on Facebook", "Follow us on Twitter", "(system supported by DigitalSiber.id)",
     "The English, Chinese, Japanese, Arabic, and French versions are automatically generated by the AI.",
     "“Penggemar bir. Sarjana budaya pop yang setia. Ninja kopi. Penggemar zombie jahat. Penyelenggara.”",
     '"Beer lover. Devoted pop culture scholar. Coffee ninja. Evil zombie fan."'],
)  # fmt: skip
def test_drop_patterns(line: str) -> None:
    assert strip_boilerplate(f"Kept line.\n{line}\nAlso kept.") == ("Kept line.\nAlso kept.", 1)


@pytest.mark.parametrize("line", ["More Stories", "KEYWORD :", "Tags: Belarus, Russia", "Berita Terkait"])
def test_stop_patterns(line: str) -> None:
    assert strip_boilerplate(f"Kept line.\n{line}\nTeaser one\n\nTeaser two") == ("Kept line.", 3)


@pytest.mark.parametrize(
    "line",
    ["“Semua orang tahu ini. Kami tidak menyembunyikan fakta ini. Yah, tidak mungkin,” kata Lukashenko.",
     "Reuters reported that Belarus moved troops to the border.",
     "Sumber militer mengatakan pasukan Rusia telah tiba di Belarus dan akan tinggal di sana untuk waktu yang lama "
     "sambil menunggu perintah baru dari Moskow tentang latihan bersama di perbatasan.",
     "The photo shows Belarusian troops near Brest."],
)  # fmt: skip
def test_prose_is_not_boilerplate(line: str) -> None:
    assert strip_boilerplate(line) == (line, 0)


def test_bad_pattern_file_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "patterns.txt", "# comment\n\ndrop: ^ok$\nstop: (unclosed\n")
    with pytest.raises(DataFileError) as caught:
        load_boilerplate(path)
    assert caught.value.line == 4 and "bad regular expression" in caught.value.reason
    other = write(tmp_path, "kinds.txt", "keep: ^x$\n")
    with pytest.raises(DataFileError, match="drop: REGEX"):
        load_boilerplate(other)


def test_custom_boilerplate_rules() -> None:
    rules = Boilerplate(drop=(), stop=())
    assert strip_boilerplate("Baca juga: x\n", rules) == ("Baca juga: x", 0)


# ------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "lang, text, iso",
    [
        ("en", "WASHINGTON, March 14, 2024 (Reuters) -", "2024-03-14"),
        ("en", "Published 14 March 2024", "2024-03-14"),
        ("en", "Posted on Sept. 3rd, 2023 at 10:00", "2023-09-03"),
        ("en", "Updated 2024-03-14T09:30:00Z", "2024-03-14"),
        ("en", "Dated 03/14/2024", "2024-03-14"),
        ("en", "Dated 03/04/2024", "2024-03-04"),  # US month-first in English
        ("en", "Dated 14/03/2024", "2024-03-14"),  # 14 cannot be a month
        ("fr", "Publié le 10 février 2022", "2022-02-10"),
        ("fr", "Moscou, le 3 mars 2023 —", "2023-03-03"),
        ("fr", "le 1er janvier 2024", "2024-01-01"),
        ("fr", "Mis à jour le 03/04/2024", "2024-04-03"),  # day-first
        ("fr", "lundi 8 août 2022", "2022-08-08"),
        ("id", "Selasa (13/8/2024)", "2024-08-13"),
        ("id", "Sabtu (3/12/2022)", "2022-12-03"),
        ("id", "Jum'at, 08/11/2024 04:40 WIB", "2024-11-08"),
        ("id", "Jumat, 8 November 2024", "2024-11-08"),
        ("id", "8 Agustus 2024", "2024-08-08"),
        ("id", "Rabu, 2 Oktober 2024 10:15 WIB", "2024-10-02"),
        ("ru", "4 апреля 2024", "2024-04-04"),
        ("ru", "МИНСК, 4 апреля 2024 года. Министр", "2024-04-04"),
        ("ru", "Опубликовано 04.04.2024 в 12:00", "2024-04-04"),
        ("ru", "23 февраля 2022 г.", "2022-02-23"),
        ("uk", "12 серпня 2024", "2024-08-12"),
        ("uk", "Київ, 12 серпня 2024 року", "2024-08-12"),
        ("uk", "Оновлено 24.02.2022", "2022-02-24"),
        ("uk", "1 вересня 2023 р.", "2023-09-01"),
    ],
)
def test_dateline(lang: str, text: str, iso: str) -> None:
    assert dateline_date(text, lang) == iso


@pytest.mark.parametrize(
    "lang, text",
    [("id", "akan bertemu pada Minggu (23/7)."), ("fr", "le samedi 29 juin"), ("en", "on 31/02/2024"),
     ("ru", "в феврале 2022 года"), ("en", "v1.2.2024"), ("en", "in the year 0001-01-01"),
     ("fr", "le 29 février 2023")],
)  # fmt: skip
def test_no_full_date(lang: str, text: str) -> None:
    assert find_dates(text, lang) == []


def test_find_dates_gives_offsets() -> None:
    text = "Talks on 4 апреля 2024 года and again on 12.05.2024."
    found = find_dates(text, "ru")
    assert [iso for _s, _e, iso in found] == ["2024-04-04", "2024-05-12"]
    assert [text[s:e] for s, e, _iso in found] == ["4 апреля 2024 года", "12.05.2024"]


def test_dateline_only_looks_at_the_first_lines() -> None:
    text = "\n".join(["A line of prose."] * 20 + ["14 March 2024"])
    assert dateline_date(text, "en") is None
    assert find_dates(text, "en")[0][2] == "2024-03-14"


@pytest.mark.parametrize(
    "value, iso",
    [("2024-03-14", "2024-03-14"), ("2024-03-14T10:00:00+02:00", "2024-03-14"), ("2024-02-30", None),
     ("March 3, 2024", "2024-03-03"), ("soon", None), (None, None), (20240314, None)],
)  # fmt: skip
def test_normalise_date(value: object, iso: str | None) -> None:
    assert normalise_date(value, "en") == iso


def test_months_file_covers_every_language() -> None:
    assert set(load_date_names()) == {"en", "fr", "id", "ru", "uk"}


def test_bad_months_file(tmp_path: Path) -> None:
    path = write(tmp_path, "months.yaml", "en:\n  months:\n    13: [smarch]\n")
    with pytest.raises(DataFileError, match="month 13"):
        load_date_names(path)


# ------------------------------------------------------------------ property


@settings(max_examples=50, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8")),
        st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїє .,\n", max_size=300).map(
            lambda t: t.encode("cp1251")
        ),
    )
)
def test_arbitrary_bytes_never_crash_the_reader(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.txt"
        path.write_bytes(raw)
        try:
            articles = read_path(path)
        except ArticleError as exc:
            assert exc.reason
        else:
            assert len(articles) == 1 and articles[0].text.strip()
        assert all(isinstance(i, (Article, Skipped)) for i in iter_corpus(Path(directory)))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_directory_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, "real/a.txt", ENGLISH)
    (tmp_path / "zlink").symlink_to(tmp_path / "real", target_is_directory=True)
    items = list(iter_corpus(tmp_path))
    assert [i.doc_id for i in items if isinstance(i, Article)] == ["real/a.txt"]
    assert [i.reason for i in items if isinstance(i, Skipped)] == ["directory already read through another path"]
