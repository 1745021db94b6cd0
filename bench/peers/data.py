"""The one data set every system gets: the long document and its spans, and the bulk load's documents.

Written by bench/text.py's generator (no outside text), the same for desk, doccano and Label Studio in a
run; each system encodes it in its own import format. Spans lie on word boundaries, overlap as a desk's
highlights do, and are all distinct (doccano refuses nothing then, once overlapping is allowed). Every
span has the one label LABEL. A round's documents differ from every other round's (the desk matches an
imported article by its text, so a repeated text would be "already present" and cost nothing).
"""

import random
from dataclasses import dataclass

from bench import text

LABEL = "claim"
DOCUMENT_LENGTH = 23_000  # characters: the single long document
BULK_LENGTHS = (4_000, 8_000)  # characters of each bulk document, as bench/import_bench.py writes them


@dataclass(frozen=True)
class Document:
    title: str
    body: str
    spans: tuple[tuple[int, int], ...]  # (start, end) in code points


@dataclass(frozen=True)
class Sizes:
    spans: int  # spans created on the long document, one request each
    bulk_documents: int
    bulk_spans_each: int
    rounds: int

    @property
    def bulk_spans(self) -> int:
        return self.bulk_documents * self.bulk_spans_each


FULL = Sizes(spans=1_000, bulk_documents=200, bulk_spans_each=100, rounds=3)
# Tiny scale (a smoke run of the machinery): one round, a tenth of the work.
SMOKE = Sizes(spans=100, bulk_documents=20, bulk_spans_each=50, rounds=1)


def distinct_spans(rng: random.Random, body: str, count: int) -> tuple[tuple[int, int], ...]:
    words = text.word_spans(body)
    spans: dict[tuple[int, int], None] = {}
    while len(spans) < count:
        spans[text.claim_span(rng, words)] = None
    return tuple(spans)


def long_document(number: int, spans: int) -> Document:
    """The document spans are created on one request each; `number` makes its text unique in the run."""
    rng = random.Random(number)
    body = text.article_body(rng, number, DOCUMENT_LENGTH)
    return Document(f"Peers, long document {number}", body, distinct_spans(rng, body, spans))


def bulk_documents(first_number: int, sizes: Sizes) -> list[Document]:
    rng = random.Random(first_number)
    documents = []
    for number in range(first_number, first_number + sizes.bulk_documents):
        body = text.article_body(rng, number, rng.randint(*BULK_LENGTHS))
        documents.append(Document(text.title(rng, number), body, distinct_spans(rng, body, sizes.bulk_spans_each)))
    return documents
