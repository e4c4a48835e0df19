"""The French parse read as token columns (kg/extract/parse.py) against spaCy's
Token objects: the same heads, children, labels and moods, and the subject
search the French rules made through Tokens, for every token of the corpora."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from kg.extract.parse import Parse
from kg.extract.profiles import load_pipeline

ROOT = Path(__file__).resolve().parents[1]


@cache
def _docs() -> tuple:
    from kg.corpus import iter_corpus
    from kg.model import Article
    from tests.test_tokenizer import FRENCH

    texts = [item.text for root in (ROOT / "tests" / "data" / "articles", ROOT / "seeds")
             for item in iter_corpus(root) if isinstance(item, Article) and item.lang == "fr"]
    assert len(texts) >= 5
    return tuple(load_pipeline("fr").pipe(texts + FRENCH))


@dataclass(eq=False)
class Mention:
    start: int
    end: int


def _token_args_in(args, token):
    """The rules' former `_args_in`, over Token objects."""
    own = [a for a in args if a.start <= token.i < a.end]
    if own:
        group = own[:1]
    else:
        inside = []
        stack = [token]
        while stack:
            node = stack.pop()
            for child in node.children:
                if child.dep_ in ("acl:relcl", "acl", "ccomp", "advcl", "appos", "conj"):
                    continue
                stack.append(child)
                inside.append(child.i)
        near = sorted((abs(a.start - token.i), a.start, id(a)) for a in args
                      if any(a.start <= i < a.end for i in inside))
        group = [a for a in args if near and id(a) == near[0][2]]
    if not group:
        return []
    for child in token.children:
        if child.dep_ == "conj":
            group += [a for a in args if a.start <= child.i < a.end]
    return group


def _token_subject(doc, args, ts, te, is_control):
    """The rules' former `_parser_subject`, over Token objects."""
    head = doc[ts]
    for tok in doc[ts:te]:
        if tok.head.i < ts or tok.head.i >= te:
            head = tok
            break
    verb = head
    for _ in range(5):
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass")]
        if subj and subj[0].pos_ == "PRON" and subj[0].lower_ not in ("qui",):
            if verb.dep_ == "ccomp" and verb.head is not verb:
                verb = verb.head
                continue
            return []
        if subj and subj[0].lower_ != "qui":
            return _token_args_in(args, subj[0])
        if verb.dep_ in ("conj", "xcomp", "advcl", "obj", "obl", "obl:arg", "obl:mod") and verb.head is not verb:
            complement = verb.dep_ == "xcomp"
            verb = verb.head
            if complement and is_control(verb.i):
                for child in verb.children:
                    if child.dep_ in ("obj", "iobj", "obl:arg"):
                        found = _token_args_in(args, child)
                        if found:
                            return found
            continue
        if verb.dep_ in ("acl:relcl", "acl") and verb.head is not verb:
            target = verb.head
            if target.dep_ == "appos":
                target = target.head
            return _token_args_in(args, target)
        break
    return []


def test_the_columns_are_the_tokens_attributes():
    for doc in _docs():
        parse = Parse(doc)
        for token in doc:
            i = token.i
            assert parse.heads[i] == token.head.i
            assert parse.children(i) == [c.i for c in token.children]
            assert parse.deps[i] == token.dep_
            assert (parse.pos[i] == token.pos) and parse.lower(i) == token.lower_
            assert parse.mood(i) == ("Cnd" in token.morph.get("Mood"), "Fut" in token.morph.get("Tense"))


@pytest.mark.parametrize("width", [1, 2, 3])
def test_the_subject_search_is_the_one_the_rules_made_over_tokens(width):
    """Every window of the corpora as a trigger, with every noun, name and
    pronoun (and every pair of names) as an argument."""
    for doc in _docs():
        parse = Parse(doc)
        args = [Mention(t.i, t.i + 1) for t in doc if t.pos_ in ("NOUN", "PROPN", "PRON")]
        args += [Mention(t.i, t.i + 2) for t in doc[:-1] if t.pos_ == "PROPN" and doc[t.i + 1].pos_ == "PROPN"]
        args.sort(key=lambda a: (a.start, a.end))
        controls = {t.i for t in doc if t.lemma_ in ("permettre", "autoriser", "demander", "appeler")}
        for ts in range(len(doc) - width + 1):
            expected = _token_subject(doc, args, ts, ts + width, controls.__contains__)
            assert parse.subject(args, ts, ts + width, controls.__contains__) == expected, (doc[ts:ts + width], ts)
