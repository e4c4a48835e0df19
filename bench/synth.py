"""Generate a synthetic multilingual corpus from ontology labels and lexicon triggers.

    python bench/synth.py OUT_DIR --n 1000 [--seed 1]

Each article is 8-14 sentences in one of en, fr, id, ru, uk: a dateline, then
sentences "<actor> <trigger> <preposition> <actor>." made of random ontology
labels in that language and the lexicon's trigger words. One subject in five is
an invented official ("Minister Ivan Petrov", "министр Иван Петров") whom the
ontology lacks, named in the language's script, so that a build also resolves
thousands of new names across spellings as a real corpus makes it. It never
reads the gold files. The text is not good prose; it exercises the same code paths
(tokenising, lemmatising, gazetteer, rules) at realistic sentence lengths.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from kg.lexicon import load_lexicon
from kg.model import SUPPORTED_LANGUAGES
from kg.ontology import load_ontology

DATELINES = {"en": "MINSK, March {d}, 2024 -", "fr": "MINSK, {d} mars 2024 -", "id": "JAKARTA - Selasa ({d}/3/2024)",
             "ru": "МИНСК, {d} марта 2024 года.", "uk": "МІНСЬК, {d} березня 2024 року."}
TITLES = {"en": "Minister", "fr": "le ministre", "id": "Menteri", "ru": "министр", "uk": "міністр"}
GIVEN = {"latin": "Ivan Pavel Sergei Olga Maria Viktor Andrei Dmitry Yulia Natalia Oleksandr Taras Mykola Anna "
                  "Igor Oleg Roman Vadim Yuri Boris Elena Irina Tatiana Svetlana".split(),
         "cyrillic": "Иван Павел Сергей Ольга Мария Виктор Андрей Дмитрий Юлия Наталья Александр Тарас Николай Анна "
                     "Игорь Олег Роман Вадим Юрий Борис Елена Ирина Татьяна Светлана".split()}
SURNAMES = {"latin": "Petrov Sidorenko Kovalenko Moroz Bondar Tkachenko Kravets Melnyk Shevchuk Polishchuk Lysenko "
                     "Marchenko Rudenko Savchenko Karpenko Volkov Sokolov Lebedev Kozlov Novikov Morozov Pavlov "
                     "Orlov Zaitsev Belov Gusev Titov Kuzmin Gromov Frolov".split(),
            "cyrillic": "Петров Сидоренко Коваленко Мороз Бондарь Ткаченко Кравец Мельник Шевчук Полищук Лысенко "
                        "Марченко Руденко Савченко Карпенко Волков Соколов Лебедев Козлов Новиков Морозов Павлов "
                        "Орлов Зайцев Белов Гусев Титов Кузьмин Громов Фролов".split()}
FILLER = {"en": "officials said on Tuesday", "fr": "ont indiqué des responsables mardi",
          "id": "kata para pejabat pada hari Selasa", "ru": "сообщили официальные лица во вторник",
          "uk": "повідомили посадовці у вівторок"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    ontology = load_ontology()
    relations = frozenset(ontology.relations)
    actors = [i for i in ontology.individuals.values() if i.type in ("Country", "Person", "Alliance", "ArmedGroup")]
    words: dict[str, tuple[list, list]] = {}
    for lang in SUPPORTED_LANGUAGES:
        lexicon = load_lexicon(lang, relations)
        triggers = [(t, " ".join(w for w in alt if w != "..." and not w.endswith("*")).lstrip("="))
                    for t in lexicon.triggers for alt in t.words[:1]]
        names = [(i, [text for l, text in i.labels if l == lang] or [i.pref_label]) for i in actors]
        words[lang] = (triggers, names)
    args.out.mkdir(parents=True, exist_ok=True)
    for n in range(args.n):
        lang = SUPPORTED_LANGUAGES[n % len(SUPPORTED_LANGUAGES)]
        triggers, names = words[lang]
        lines = [DATELINES[lang].format(d=rnd.randint(1, 28))]
        for _ in range(rnd.randint(8, 14)):
            trig, text = rnd.choice(triggers)
            s_ind, s_names = rnd.choice(names)
            o_ind, o_names = rnd.choice(names)
            prep = (trig.preps[0] + " ") if trig.preps else ""
            subject = rnd.choice(s_names)
            if rnd.random() < 0.2:
                script = "cyrillic" if lang in ("ru", "uk") else "latin"
                subject = f"{TITLES[lang]} {rnd.choice(GIVEN[script])} {rnd.choice(SURNAMES[script])}"
            lines.append(f"{subject} {text.replace('=', '')} {prep}{rnd.choice(o_names)}, {FILLER[lang]}.")
        (args.out / f"synth_{n:06d}_{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.n} articles to {args.out}")


if __name__ == "__main__":
    main()
