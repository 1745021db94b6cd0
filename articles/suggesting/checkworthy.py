"""Check-worthy sentences: split a text into sentences and score each 0–1, with reasons a reviewer reads.

The model is linear: TF-IDF over word 1–2-grams and character 3–5-grams (each block L2-normalised) plus a
few hand features (a figure, a comparison, an official speaking, a quote, a prediction…), weighted by a
logistic regression. It is shipped as JSON (vocabulary, idf and weights; no pickle), scored here in plain
Python (no scikit-learn at run time: about 0.2 ms a sentence) and loaded once per process. Training, with
scikit-learn, is in `checkworthy_training`.

Offsets are Unicode code points into the text given (Python string indices), as the claims use.
"""

import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

MODEL_NAME = "checkworthy"
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MODEL_FILE = DATA_DIR / "checkworthy-v3.json"
FORMAT = "checkworthy-linear/1"
DEFAULT_THRESHOLD = 0.5
# A sentence shorter than this (letters and digits) is never suggested: "Yes." "Thank you."
MIN_CHARS = 12


class ModelError(Exception):
    """The model file is missing, unreadable or not a check-worthiness model."""


# ---------------------------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "pres",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "nos",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "al",
        "approx",
        "dept",
        "est",
        "sra",
        "sres",
        "srta",
        "lic",
        "ing",
    ]
)
# A sentence ends at . ! ? or … (with closing quotes/brackets after it) followed by white space, or at a line break.
_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s)|\n+""")
_WORD_BEFORE = re.compile(r"(\w+)\.$")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` with exact code-point offsets, trimmed of surrounding white space."""
    sentences: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group().startswith(".") and _is_abbreviation(text, match.start(), end):
            continue
        _append(sentences, text, start, end)
        start = end
    _append(sentences, text, start, len(text))
    return sentences


def _is_abbreviation(text: str, dot: int, end: int) -> bool:
    word = _WORD_BEFORE.search(text[max(0, dot - 12) : dot + 1])
    if word is None:
        return False
    token = word.group(1)
    if token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return True  # "Dr. Ruiz", "J. Smith", "U.S. officials"
    following = text[end : end + 3].lstrip()
    return bool(following) and following[0].islower()  # "approx. ten", "a.m. on"


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))


# ------------------------------------------------------------------------------------------------ features

_TOKEN = re.compile(r"\d[\d,.]*%?|\w+(?:['’]\w+)?", re.UNICODE)
_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£¥]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent|por ciento))?"
    r"(?:\s(?:million|billion|trillion|thousand|hundred|millones|mil))?"
    r"(?:\s[A-Za-zÀ-ÿ]+){0,1}",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_SCALED = re.compile(r"[$€£¥%]|percent|per cent|por ciento|million|billion|trillion|thousand|millones", re.I)
_WORD_NUMBERS = re.compile(
    r"\b(?:half|third|quarter|twice|double[ds]?|tripled?|dozens?|hundreds|thousands|millions|billions|"
    r"one in (?:two|three|four|five|ten)|majority|minority)\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|most|least|highest|lowest|largest|"
    r"smallest|biggest|fastest|slowest|worst|best|record|increased?|decreased?|rose|risen|rising|fell|fallen|"
    r"dropped|drop|grew|grown|cut|doubled|tripled|compared|than|since|up from|down from|"
    # "mayor" compares only as "mayor que" ("greater than"): alone it is also the English word for alcalde.
    r"más|menos|mayor que|menor|aumentó|disminuyó|creció|cayó)\b",
    re.IGNORECASE,
)
_OFFICIAL = re.compile(
    r"\b(?:mayor|governor|president|minister|secretary|senator|congressman|congresswoman|spokes(?:man|woman|person)|"
    r"official|officials|director|chief|commissioner|police|ministry|department|government|agency|council|"
    r"alcalde|alcaldesa|gobernador|presidente|presidenta|secretario|secretaria|ministro|vocero|funcionario|"
    r"gobierno|policía)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|stated|claimed|claims|announced|reported|according to|insisted|argued|added|"
    r"noted|estimated|confirmed|denied|dijo|afirmó|declaró|aseguró|según|señaló|informó)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”«»]")
_PREDICTION = re.compile(
    r"\b(?:will|would|going to|expects?|expected|forecasts?|projects?|projected|predicts?|plans? to|"
    r"by (?:19|20)\d\d|next (?:year|month|week|decade)|será|habrá|prevé|espera)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|we|we're|our|us)\b")
_OPINION = re.compile(
    r"\b(?:think|believe|feel|hope|want|love|hate|should|must|great|wonderful|terrible|thank|thanks|"
    r"please|congratulations|welcome|maybe|perhaps)\b",
    re.IGNORECASE,
)
_LAW = re.compile(
    r"\b(?:law|bill|tax|taxes|budget|vote[ds]?|voted|act|policy|contract|deficit|debt|unemployment|jobs|"
    r"crime|murders?|homicides?|deaths?|killed|arrest(?:ed|s)?|ley|presupuesto|impuestos?|empleos?)\b",
    re.IGNORECASE,
)


def _numbers(text: str) -> list[str]:
    found = []
    for match in _NUMBER.finditer(text):
        figure = match.group().strip()
        digits = re.sub(r"\D", "", figure.split()[0] if figure.split() else figure)
        if _YEAR.match(digits) and not _SCALED.search(figure):
            continue  # a year is a date, not a statistic ("in 2019 the town…")
        found.append(figure)
    return found


def hand_features(text: str) -> dict[str, float]:
    numbers = _numbers(text)
    words = len(_TOKEN.findall(text))
    return {
        "h:number": 1.0 if numbers else 0.0,
        "h:numbers": min(len(numbers), 4) / 4,
        "h:percent_money": 1.0 if re.search(r"[%$€£]|percent|por ciento|dollars|pesos", text, re.I) else 0.0,
        "h:word_number": 1.0 if _WORD_NUMBERS.search(text) else 0.0,
        "h:comparison": 1.0 if _COMPARISON.search(text) else 0.0,
        "h:official": 1.0 if _OFFICIAL.search(text) else 0.0,
        "h:speech": 1.0 if _SPEECH.search(text) else 0.0,
        "h:quote": 1.0 if _QUOTE.search(text) else 0.0,
        "h:prediction": 1.0 if _PREDICTION.search(text) else 0.0,
        "h:first_person": 1.0 if _FIRST_PERSON.search(text) else 0.0,
        "h:opinion": 1.0 if _OPINION.search(text) else 0.0,
        "h:policy": 1.0 if _LAW.search(text) else 0.0,
        "h:question": 1.0 if text.rstrip().endswith("?") else 0.0,
        "h:short": 1.0 if words < 6 else 0.0,
        "h:long": min(words, 40) / 40,
    }


def reasons(text: str) -> list[str]:
    """Why a reviewer might check this sentence, in words ("a statistic: '262 officers'")."""
    found = []
    numbers = _numbers(text)
    if numbers:
        found.append(f"a statistic: '{_clip(numbers[0])}'")
    elif _WORD_NUMBERS.search(text):
        found.append(f"a quantity: '{_WORD_NUMBERS.search(text).group()}'")
    if match := _COMPARISON.search(text):
        found.append(f"a comparison: '{match.group()}'")
    if match := _OFFICIAL.search(text):
        if _SPEECH.search(text):
            found.append(f"an official speaks: '{match.group()}'")
        else:
            found.append(f"names an official body: '{match.group()}'")
    elif _SPEECH.search(text):
        found.append("an attributed statement")
    if _QUOTE.search(text):
        found.append("a quote")
    if match := _PREDICTION.search(text):
        found.append(f"a prediction: '{match.group()}'")
    if match := _LAW.search(text):
        found.append(f"a policy or public record: '{match.group()}'")
    return found


def _clip(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _normalise_word(token: str) -> str:
    token = token.lower().replace("’", "'")
    return "<num>" if token[0].isdigit() else token


def text_features(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """Counts of word 1–2-grams and of character 3–5-grams (inside word boundaries, as char_wb)."""
    words = [_normalise_word(token) for token in _TOKEN.findall(text)]
    word_counts: dict[str, int] = {}
    for index, word in enumerate(words):
        key = "w:" + word
        word_counts[key] = word_counts.get(key, 0) + 1
        if index:
            key = "w:" + words[index - 1] + " " + word
            word_counts[key] = word_counts.get(key, 0) + 1
    char_counts: dict[str, int] = {}
    for word in words:
        padded = f" {word} "
        for size in (3, 4, 5):
            for offset in range(len(padded) - size + 1):
                key = "c:" + padded[offset : offset + size]
                char_counts[key] = char_counts.get(key, 0) + 1
    return word_counts, char_counts


def weighted_vector(text: str, idf: dict[str, float]) -> dict[str, float]:
    """The feature vector the model weighs: sublinear TF-IDF per block, each block L2-normalised, then hand features.

    Training (checkworthy_training) builds its matrix with this same function, so the shipped JSON scores
    exactly as the model was fitted.
    """
    vector: dict[str, float] = {}
    for counts in text_features(text):
        block = {key: (1.0 + math.log(count)) * idf[key] for key, count in counts.items() if key in idf}
        norm = math.sqrt(sum(value * value for value in block.values()))
        if norm:
            for key, value in block.items():
                vector[key] = value / norm
    vector.update({key: value for key, value in hand_features(text).items() if value})
    return vector


# --------------------------------------------------------------------------------------------------- model


@dataclass
class Model:
    name: str
    version: str
    sha256: str
    idf: dict[str, float]
    weights: dict[str, float]
    intercept: float
    threshold: float = DEFAULT_THRESHOLD
    meta: dict = field(default_factory=dict)

    def score(self, text: str) -> float:
        vector = weighted_vector(text, self.idf)
        logit = self.intercept + sum(value * self.weights.get(key, 0.0) for key, value in vector.items())
        if logit < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-logit))

    @classmethod
    def from_dict(cls, data: dict, sha256: str) -> "Model":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"not a check-worthiness model (format is not {FORMAT!r})")
        try:
            features = data["features"]
            return cls(
                name=str(data.get("name", MODEL_NAME)),
                version=str(data["version"]),
                sha256=sha256,
                idf={key: float(pair[0]) for key, pair in features.items() if pair[0]},
                weights={key: float(pair[1]) for key, pair in features.items()},
                intercept=float(data["intercept"]),
                threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
                meta=dict(data.get("meta", {})),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            raise ModelError(f"malformed model: {type(error).__name__}: {error}") from None

    def to_dict(self) -> dict:
        features = {key: [self.idf.get(key, 0.0), weight] for key, weight in self.weights.items()}
        return {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "meta": self.meta,
            "features": features,
        }


def model_bytes(model: Model) -> bytes:
    return json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def load_bytes(raw: bytes) -> Model:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"not JSON: {error}") from None
    return Model.from_dict(data, hashlib.sha256(raw).hexdigest())


def load_file(path: Path | str) -> Model:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ModelError(f"cannot read {path}: {error.strerror or error}") from None
    return load_bytes(raw)


@functools.cache
def shipped_model() -> Model:
    """The model shipped with the app, loaded once per process."""
    return load_file(DEFAULT_MODEL_FILE)


def check_shipped_model() -> list[str]:
    """Problems with the shipped model file, for the system check (empty when it loads)."""
    try:
        model = load_file(DEFAULT_MODEL_FILE)
    except ModelError as error:
        return [f"check-worthiness model {DEFAULT_MODEL_FILE}: {error}"]
    if not model.weights:
        return [f"check-worthiness model {DEFAULT_MODEL_FILE}: no features"]
    return []


# ------------------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ScoredSentence:
    start: int
    end: int
    text: str
    score: float
    reasons: list[str]


def score_text(text: str, model: Model | None = None) -> list[ScoredSentence]:
    """Every sentence of `text` with its score and reasons (short ones score 0 with no reasons)."""
    model = model or shipped_model()
    scored = []
    for sentence in split_sentences(text):
        if sum(char.isalnum() for char in sentence.text) < MIN_CHARS:
            scored.append(ScoredSentence(sentence.start, sentence.end, sentence.text, 0.0, []))
            continue
        scored.append(
            ScoredSentence(
                sentence.start, sentence.end, sentence.text, model.score(sentence.text), reasons(sentence.text)
            )
        )
    return scored


def suggest(text: str, model: Model | None = None) -> list[ScoredSentence]:
    """The sentences worth suggesting: those scoring at or above the model's threshold."""
    model = model or shipped_model()
    return [sentence for sentence in score_text(text, model) if sentence.score >= model.threshold]
