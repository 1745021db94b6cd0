"""Synthetic news text for the benchmark corpus, written for it (no outside text).

Sentences are built from templates and small word lists, with the odd accented letter, curly quote,
dash and emoji so that offsets in code points and in UTF-16 differ as they do in real articles.
"""

import random
import re

WORD = re.compile(r"\S+")

PLACES = [
    "Port Alder",
    "San Lucio",
    "Vallemar",
    "Crestford",
    "Ostbridge",
    "Mirabel",
    "Los Cerezos",
    "Kettleby",
    "Punta Serena",
    "Holloway",
    "Aguablanca",
    "Fernhill",
    "Santa Ofelia",
    "Brackwater",
    "Río Claro",
]
OFFICIALS = [
    "the mayor",
    "the governor",
    "the police chief",
    "a council member",
    "the health minister",
    "a spokesperson for the prosecutor",
    "the harbour master",
    "an opposition deputy",
    "the union leader",
    "a civic group",
    "the regional director",
    "the finance secretary",
]
THINGS = [
    "budget",
    "water supply",
    "police force",
    "hospital",
    "school programme",
    "bridge",
    "port authority",
    "housing plan",
    "bus network",
    "security plan",
    "grain harvest",
    "tax reform",
    "clinic",
    "curfew",
]
VERBS = ["cut", "doubled", "expanded", "halved", "delayed", "cancelled", "funded", "reviewed", "audited", "blocked"]
UNITS = ["officers", "families", "patients", "pesos", "jobs", "homes", "beds", "murders", "arrests", "visitors"]
PERIODS = ["last year", "in March", "since 2019", "this week", "over the summer", "in the first quarter"]
FLOURISHES = ["", "", "", "", " — officially", " (according to the ministry)", " 📈", " según el informe"]

TEMPLATES = [
    "{Official} said the {thing} in {place} had {verb} by {n} per cent {period}.",
    "“We have {verb} the {thing},” {official} told reporters in {place}{flourish}.",
    "According to {official}, {n} {unit} were affected when the {thing} was {verb} {period}.",
    "Records seen by this newspaper show {n2} {unit} in {place} {period}, not {n} as {official} claimed.",
    "The {thing} of {place} {verb} its spending to {n2} pesos, {official} said on Tuesday.",
    "{Official} denied that the {thing} had been {verb}, calling the report “a fabrication”.",
    "Residents of {place} said they had seen no change in the {thing} {period}.",
    "In {place}, {n} {unit} depend on the {thing}, a figure {official} repeated twice.",
    "Analysts doubt the claim that the {thing} {verb} crime by {n} per cent{flourish}.",
    "The statistics office counted {n2} {unit} {period}, a rise of {n} on the year before.",
    "Asked about the {thing}, {official} said: “Nobody in {place} has lost anything.”",
    "It was the third time {period} that {official} had promised to fix the {thing}.",
]


def sentence(rng: random.Random) -> str:
    official = rng.choice(OFFICIALS)
    return rng.choice(TEMPLATES).format(
        Official=official[0].upper() + official[1:],
        official=official,
        thing=rng.choice(THINGS),
        place=rng.choice(PLACES),
        verb=rng.choice(VERBS),
        unit=rng.choice(UNITS),
        period=rng.choice(PERIODS),
        flourish=rng.choice(FLOURISHES),
        n=rng.randint(2, 99),
        n2=f"{rng.randint(1, 999)}{rng.choice(['', ',000', '', ''])}",
    )


def article_body(rng: random.Random, number: int, length: int) -> str:
    """About `length` characters of paragraphs; `number` makes every body unique (their hash is unique)."""
    paragraphs = [f"Dispatch {number}: the desk's synthetic report number {number}."]
    size = len(paragraphs[0])
    while size < length:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def title(rng: random.Random, number: int) -> str:
    return f"{rng.choice(PLACES)}: {rng.choice(OFFICIALS)} and the {rng.choice(THINGS)} ({number})"


SUMMARIES = [
    "Says the {thing} was {verb}.",
    "Claims {n} {unit} were affected.",
    "Figure for {unit} in {place} disputed.",
    "Promise about the {thing} repeated.",
    "Denies the {thing} changed.",
]


def summary(rng: random.Random) -> str:
    return rng.choice(SUMMARIES).format(
        thing=rng.choice(THINGS),
        verb=rng.choice(VERBS),
        n=rng.randint(2, 99),
        unit=rng.choice(UNITS),
        place=rng.choice(PLACES),
    )


def word_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of every whitespace-separated word, for choosing claims on word boundaries."""
    return [match.span() for match in WORD.finditer(body)]


def claim_span(rng: random.Random, words: list[tuple[int, int]]) -> tuple[int, int]:
    """A span of 4 to 30 words, as a desk would highlight a clause or a sentence."""
    count = min(len(words), rng.randint(4, 30))
    first = rng.randrange(0, len(words) - count + 1)
    return words[first][0], words[first + count - 1][1]
