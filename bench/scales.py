"""How big each run is: corpus sizes and how many times each workload repeats."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    articles: int
    claims: int
    links: int
    verdicts: int
    # Claims on the reader's article (the spec's "article with 1,000 claims"; fewer only at tiny scale).
    reader_claims: int
    # Page loads per figure (server time) and browser loads per figure.
    page_loads: int
    browser_loads: int
    # API requests per client count (the spec's 2,000 at default scale and above).
    api_requests: int
    speakers: int
    sources: int
    tags: int

    def as_dict(self) -> dict:
        return asdict(self)


SCALES = {
    # CI: seconds, every workload runs once or a few times so the harness cannot rot. Figures mean little.
    "tiny": Scale(
        "tiny",
        articles=30,
        claims=600,
        links=100,
        verdicts=60,
        reader_claims=100,
        page_loads=3,
        browser_loads=1,
        api_requests=20,
        speakers=40,
        sources=5,
        tags=12,
    ),
    "small": Scale(
        "small",
        articles=200,
        claims=10_000,
        links=2_000,
        verdicts=1_000,
        reader_claims=1_000,
        page_loads=20,
        browser_loads=5,
        api_requests=200,
        speakers=200,
        sources=20,
        tags=30,
    ),
    "default": Scale(
        "default",
        articles=2_000,
        claims=100_000,
        links=20_000,
        verdicts=10_000,
        reader_claims=1_000,
        page_loads=20,
        browser_loads=10,
        api_requests=2_000,
        speakers=1_000,
        sources=40,
        tags=40,
    ),
    "1m": Scale(
        "1m",
        articles=20_000,
        claims=1_000_000,
        links=200_000,
        verdicts=100_000,
        reader_claims=1_000,
        page_loads=20,
        browser_loads=10,
        api_requests=2_000,
        speakers=5_000,
        sources=80,
        tags=60,
    ),
}
