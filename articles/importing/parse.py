"""Turn an article file (plain text or an HTML page) into clean story text plus metadata.

Pure functions, no Django: `parse_text` and `parse_html` return a `ParsedArticle` whose `body` is the
text claims anchor to (paragraphs separated by one blank line, newlines normalised to \\n, runs of
spaces collapsed) and whose `dropped` lists every piece of web boilerplate that was removed, each
with a category, so the importer can tell the user exactly what did not make it into the body.

Boilerplate is recognised line by line by named rules (`classify_line`); a rule errs towards keeping
text: a line that quotes someone is never dropped by the wording-based rules (donation appeals,
newsletter prompts, ...), because story text is worth more than a clean page.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from articles.text.anchoring import normalise_newlines

# What each category of dropped text is called in reports.
CATEGORIES = {
    "advert": "ad slot",
    "age_banner": "story-age banner",
    "breadcrumb": "breadcrumb",
    "section_label": "section label",
    "reading_time": "reading-time note",
    "caption": "photo caption",
    "credit": "photo/video credit",
    "image_label": "image label",
    "embed": "embedded-media placeholder",
    "related": "related links",
    "share": "share widget",
    "donation": "donation appeal",
    "feedback": "feedback prompt",
    "newsletter": "newsletter prompt",
    "social": "social-media prompt",
    "licence": "copyright/republishing notice",
    "duplicate": "repeated line",
    "navigation": "site navigation",
    "page": "other page text",
    "script": "script or style",
}

LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass
class ParsedArticle:
    title: str = ""
    byline: str = ""
    published: date | None = None
    body: str = ""
    url: str = ""
    language: str = ""
    dropped: list[tuple[str, str]] = field(default_factory=list)
    # What the import report should tell the user about choices made while parsing.
    notes: list[str] = field(default_factory=list)

    def dropped_counts(self) -> dict[str, int]:
        """Dropped lines per category, in the order categories were first met."""
        counts: dict[str, int] = {}
        for category, _ in self.dropped:
            counts[category] = counts.get(category, 0) + 1
        return counts


class UnreadableArticle(ValueError):
    """The input holds no article text; the message says why."""


# ---------------------------------------------------------------- text clean-up

_ZERO_WIDTH = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Non-breaking and other typographic spaces read as spaces; a quote typed with a plain space must match.
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_QUOTE_MARKS = re.compile('["“”„«»]')


def _physical_lines(text: str) -> list[str]:
    """Lines split at \\n and at the Unicode line/paragraph separators a pasted page may carry."""
    return re.split("[\n\u2028\u2029\x85\x0b\x0c]", normalise_newlines(text))


def clean_line(line: str) -> str:
    """One line with zero-width characters removed and any run of spaces made a single space."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", line)).strip()


def _words(text: str) -> int:
    return len(text.split())


# ---------------------------------------------------------------- dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.IGNORECASE),
]
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?\b", re.IGNORECASE)
_DATE_WORDS = re.compile(r"\b(published|updated|posted|last|modified|on|at|date)\b[:]?", re.IGNORECASE)


def find_date(text: str) -> tuple[date, re.Match] | None:
    """The first calendar date written in `text` (ISO, "3 Feb 2021", "Feb 3, 2021", "31st May, 2021")."""
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS[parts["month"].lower()]
            try:
                return date(int(parts["year"]), month, int(parts["day"])), match
            except ValueError:
                continue
    return None


def parse_date_line(line: str) -> date | None:
    """The date when the whole line is a dateline ("Published 3 Feb 2021, 07:11 pm"), else None."""
    found = find_date(line)
    if not found:
        return None
    when, match = found
    rest = line[: match.start()] + " " + line[match.end() :]
    rest = _DATE_WORDS.sub(" ", _TIME.sub(" ", rest))
    return when if not re.sub(r"[\W_]+", "", rest) else None


# ---------------------------------------------------------------- boilerplate rules

_SHARE_CORE = {
    "share",
    "tweet",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "pinterest",
    "reddit",
    "telegram",
    "email",
    "print",
    "copy",
    "messenger",
    "bluesky",
    "threads",
    "flipboard",
}
_SHARE_WORDS = _SHARE_CORE | {
    "icon",
    "icons",
    "this",
    "article",
    "story",
    "on",
    "via",
    "link",
    "x",
    "post",
    "page",
    "the",
    "shares",
    "button",
    "buttons",
    "and",
    "or",
    "mail",
    "sms",
    "to",
    "url",
    "save",
    "comments",
    "comment",
}
_SOCIAL_NETWORKS = r"(twitter|x|facebook|instagram|tiktok|threads|bluesky|mastodon|linkedin|youtube|telegram)"
_AGENCIES = (
    r"(getty( images)?|ap( photo| images)?|associated press|reuters|afp|epa|efe|shutterstock|istock(photo)?|"
    r"alamy|pa( images| wire)?|anadolu|xinhua|dpa|cuartoscuro)"
)
_TAIL_HEADING = re.compile(
    r"^(related( content| stories| articles| coverage| links| reading| news| posts)?|"
    r"more (stories|news|articles|from [\w .&'’-]{1,40}|in [\w .&'’-]{1,40})|"
    r"latest (news|stories|articles|in [\w .&'’-]{1,40}|from [\w .&'’-]{1,40})|"
    r"most (read|popular|viewed|shared)|recommended( for you| stories| reading)?|"
    r"you (may|might) (also )?like|read next|trending( now| stories)?|popular (now|stories)|top stories|"
    r"further reading)\s*:?$",
    re.IGNORECASE,
)

# (category, pattern, max words, may the line quote someone?) checked in order; the first match wins.
_RULES: list[tuple[str, re.Pattern, int, bool]] = [
    (
        "age_banner",
        re.compile(r"^this (story|article|post|page|report) is (over|more than|at least) \w+ (years?|months?) old\.?$"),
        12,
        True,
    ),
    (
        "advert",
        re.compile(
            r"\b(advertisement|advertising|advertorial|adsense|adsence|sponsored( content| post)?|adchoices|"
            r"ad choices|paid (content|post|partnership)|promoted( content)?)\b|^[-–—•*\s]*ads?[-–—•*\s]*$|"
            r"\b\d{3}\s*[x×]\s*\d{2,3}\b"
        ),
        6,
        False,
    ),
    (
        "reading_time",
        re.compile(
            r"^(reading time:?\s*)?(\d+|one|two|three|four|five|ten)[ -]?(min|mins|minutes?)( read)?"
            r"( to read)?$"
        ),
        6,
        True,
    ),
    (
        "related",
        re.compile(
            r"^(related|see also|read more|read also|also read|more|recommended|read next|watch|listen|"
            r"more on this( story)?|related (coverage|stories|story|articles?|content|reading)|further reading|"
            r"also on [\w .]{1,30})\s*(:|：|»|>>)\s*\S"
        ),
        40,
        True,
    ),
    ("social", re.compile(r"^(follow|like|join) (us|[\w .'’-]{2,60}) on " + _SOCIAL_NETWORKS + r"\b"), 20, True),
    (
        "donation",
        re.compile(
            r"^(donate|donate now|donate today|support us|give now|make a donation|become a (member|supporter))[.!]?$|"
            r"support (our|independent|quality|local|this) (journalism|reporting|work|newsroom)|"
            r"we need (your )?(support|resources|help) to|in order to do so, we need|make a (donation|contribution)|"
            r"become a (member|supporter|patron|subscriber)|donate (now|today|to)|chip in|every contribution"
        ),
        60,
        False,
    ),
    (
        "feedback",
        re.compile(
            r"^(was this (content|article|story|page|information) (helpful|useful)\??|what are your thoughts\?|"
            r"did you (like|enjoy|find) this|(send|share) (us )?your (comments|feedback|thoughts)|"
            r"click here to (send|share|comment|give))"
        ),
        30,
        False,
    ),
    (
        "newsletter",
        re.compile(
            r"\b(newsletters?|sign up (for|to|now)|subscribe (to|now|for|today)|enter your e-?mail|"
            r"(delivered|straight|directly) to your inbox|get our (daily|weekly|free))\b"
        ),
        40,
        False,
    ),
    (
        "licence",
        re.compile(
            r"creative commons|copy and distribute our work|republish (this|our)|all rights reserved|©|"
            r"^\(c\) \d{4}|^copyright \d{4}"
        ),
        80,
        False,
    ),
    ("share", re.compile(r"^[a-z]+( [a-z]+)*$"), 10, True),  # refined in classify_line
    (
        "embed",
        re.compile(
            r"^(view|watch|see|listen to) (this|the) (video|post|photo|tweet|image|clip|podcast|episode) on [\w .]+$|"
            r"^(click|tap) to (play|watch|load)|^(embedded|external) content|"
            r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|tv|be|co|io|uk|mx|es|fm)$"
        ),
        10,
        True,
    ),
    (
        "credit",
        re.compile(
            r"^((photo|photograph|image|picture|screenshot|video|illustration|graphic|footage|file photo|"
            r"photo illustration)s?\s*(by|via|courtesy( of)?|credit|:)\s*\S|"
            r"(photo|image|video|screenshot)s? (source|credit)s?:|" + _AGENCIES + r"(\s*/\s*[\w .'’-]{1,40})?\.?$)"
        ),
        12,
        True,
    ),
    (
        "caption",
        re.compile(
            r"^(in this|this) ([\w,.]+ ){0,5}(file )?(photo|image|picture|handout)|^file photo|"
            r"\b(photo|image|picture)s?\s*(:|by|credit:?|courtesy( of)?)\s*[\w .,/&'’-]{1,40}\.?\)?$|"
            r"\(((ap|afp|reuters|epa) )?photo ?/ ?[^)]{1,60}\)$"
        ),
        80,
        True,
    ),
    ("image_label", re.compile(r"^[a-z0-9][a-z0-9 _-]*$|^[\w-]+\.(jpe?g|png|gif|webp|avif)$"), 4, True),
]
_CASE_SENSITIVE = {"image_label"}


def classify_line(line: str) -> str | None:
    """The boilerplate category of one cleaned line, or None when it may be story text."""
    lowered = line.lower()
    words = _words(line)
    quotes_someone = bool(_QUOTE_MARKS.search(line))
    for category, pattern, max_words, may_quote in _RULES:
        if words > max_words or (quotes_someone and not may_quote):
            continue
        if category == "share":
            tokens = re.findall(r"[a-z]+", lowered)
            if tokens and set(tokens) <= _SHARE_WORDS and set(tokens) & _SHARE_CORE:
                return category
            continue
        if pattern.search(line if category in _CASE_SENSITIVE else lowered):
            return category
    if _is_section_label(line):
        return "section_label"
    return None


def _is_section_label(line: str) -> bool:
    """An all-capitals kicker such as "NEWS" or "POLITICS / 3 FEB 2021" (not a sentence, not a dateline)."""
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", line)
    if not letters or not line.isupper() or line[-1] in '.!?"”':
        return False
    head = line.split("/")[0].strip()
    return _words(head) <= 5 and (head == line or parse_date_line(line.split("/", 1)[1]) is not None)


def is_tail_heading(line: str) -> bool:
    """A heading after which a page lists other stories ("Related Content", "Latest in Life")."""
    return bool(_TAIL_HEADING.match(line)) and _words(line) <= 6


# ---------------------------------------------------------------- bylines

_ROLE = (
    r"(?P<role>(?:(?:web|senior|staff|contributing|managing|news|deputy|political|foreign|chief|associate|"
    r"special|investigative|digital|data|local|sports|business) )*"
    r"(?:editor|writer|reporter|correspondent|journalist|contributor|producer)s?)"
)
_ROLE_LINE = re.compile(r"^(?P<name>(?:(?-i:[A-Z])[\w.'’-]*\s?){0,4}?)\s*,?\s*" + _ROLE + r"$", re.IGNORECASE)
# Page templates often run the name and the role together ("Jane RoeWeb Editor").
_GLUED_ROLE = re.compile(
    r"(?<=[a-z])(?=(?:(?:Web|Senior|Staff|Contributing|Managing|News|Deputy|Chief|Digital) )?"
    r"(?:Editor|Writer|Reporter|Correspondent|Journalist|Contributor|Producer)s?$)"
)
_BY_LINE = re.compile(r"^by[:\s]\s*(?P<name>.+)$", re.IGNORECASE)
_SECTION_DATE_BY = re.compile(
    r"^(?P<section>[^/]{2,60}?)\s*/\s*(?P<date>.+?)\s+by\s+(?P<name>.+?)(?:\s+(?P<lang>EN|ES|PT|FR|DE|IT))?$",
    re.IGNORECASE,
)
_FOLLOW = re.compile(r"^follow (?P<name>[\w .'’-]{2,60}?) on " + _SOCIAL_NETWORKS + r"\b", re.IGNORECASE)


def _tidy_name(name: str) -> str:
    name = name.strip(" ,;|·-–—")
    return name.title() if name.isupper() else name


def parse_byline(line: str) -> str | None:
    """The byline when the line is one ("By Jane Roe", "Staff Writers", "Jane RoeWeb Editor"), else None."""
    if _words(line) > 10 or line[-1:] in ".!?":
        return None
    match = _BY_LINE.match(line)
    if match and match["name"][:1].isupper():
        return _tidy_name(re.split(r"\s[|•·]\s", match["name"])[0])
    match = _ROLE_LINE.match(_GLUED_ROLE.sub(" ", line, count=1))
    if match and line[:1].isupper():
        name = match["name"].strip()
        if name.lower() in {"the", "a", "an", "our", "your", "from the", "to the"}:
            return None
        return f"{name}, {match['role']}" if name else line
    return None


def parse_dateline_byline(line: str) -> tuple[date, str, str] | None:
    """Section / date BY name [language] lines, e.g. "CRIME / 3 FEB 2021 BY JANE ROE EN"."""
    match = _SECTION_DATE_BY.match(line)
    if not match:
        return None
    when = parse_date_line(match["date"])
    if when is None:
        return None
    return when, _tidy_name(match["name"]), (match["lang"] or "").lower()


def _follow_name(line: str) -> str:
    match = _FOLLOW.match(line)
    if match and match["name"].lower() not in {"us", "me"}:
        return match["name"].strip()
    return ""


# ---------------------------------------------------------------- plain text


@dataclass
class _Line:
    text: str
    block: int
    category: str | None = None
    role: str = ""  # "title", "byline", "date" for metadata lines taken out of the body


# A paragraph this long ends the header (title, dek, byline and dateline sit above it).
_STORY_PARAGRAPH_WORDS = 15


def _split_lines(raw: str) -> list[_Line]:
    lines, block = [], 0
    for raw_line in _physical_lines(raw):
        text = clean_line(raw_line)
        if not text:
            block += 1
            continue
        lines.append(_Line(text, block))
    return lines


def _mark_boilerplate(lines: list[_Line]) -> None:
    texts = [line.text for line in lines]
    in_tail = False
    previous = None
    for line in lines:
        if in_tail:
            line.category = "related"
            continue
        if is_tail_heading(line.text):
            line.category, in_tail = "related", True
            continue
        line.category = classify_line(line.text) or _breadcrumb(line.text, texts)
        if line.category is None and previous is not None and line.text == previous.text:
            line.category = previous.category or "duplicate"
        previous = line


def _breadcrumb(text: str, texts: list[str]) -> str | None:
    """ "Home > News > Story" or "HomeNewsStory title" (links run together, ending in a later line)."""
    if re.match(r"^home\s*[>/»›|]", text, re.IGNORECASE):
        return "breadcrumb"
    if text.startswith("Home") and any(other != text and len(other) >= 12 and text.endswith(other) for other in texts):
        return "breadcrumb"
    return None


def _mark_header(lines: list[_Line], parsed: ParsedArticle) -> None:
    """Pick title, byline, dateline and language out of the lines above the first story paragraph."""
    for line in lines:
        if line.category is not None:
            continue
        if _words(line.text) >= _STORY_PARAGRAPH_WORDS and line.text[-1:] in '.!?"”’)':
            break
        combined = parse_dateline_byline(line.text)
        if combined:
            parsed.published = parsed.published or combined[0]
            parsed.byline = parsed.byline or combined[1]
            parsed.language = parsed.language or combined[2]
            line.role = "date"
            continue
        when = parse_date_line(line.text)
        if when and _words(line.text) <= 8:
            parsed.published = parsed.published or when
            line.role = "date"
            continue
        byline = parse_byline(line.text)
        if byline and parsed.title:
            parsed.byline = parsed.byline or byline
            found = find_date(line.text)  # "By Jane Roe | 3 May 2024"
            parsed.published = parsed.published or (found[0] if found else None)
            line.role = "byline"
            continue
        if not parsed.title and _words(line.text) <= 30:
            parsed.title = line.text
            line.role = "title"


def _continues(previous: str, following: str) -> bool:
    """Is `following` the next line of a hard-wrapped paragraph rather than a paragraph of its own?

    A wrapped line stops mid-sentence; a short unpunctuated line followed by a capital is a subhead.
    """
    if previous[-1] in '.!?"”’)]:;':
        return False
    return following[:1].islower() or len(previous) >= 40


def _assemble(lines: list[_Line]) -> list[str]:
    """Body paragraphs from the kept lines: one per line, except hard-wrapped lines of one block."""
    paragraphs: list[str] = []
    block = None
    for line in lines:
        if line.category is not None or line.role:
            continue
        if line.block == block and paragraphs and _continues(paragraphs[-1], line.text):
            paragraphs[-1] += " " + line.text
        else:
            paragraphs.append(line.text)
        block = line.block
    return paragraphs


def _title_from_body(body: str) -> str:
    first = re.split(r"(?<=[.!?])\s", body.split("\n", 1)[0], maxsplit=1)[0]
    if len(first) <= 120:
        return first
    return first[:119].rsplit(" ", 1)[0] + "…"


# A line of this many words at most may be a date on its own ("20 February 2016", "Feb. 20, 2016 10:00").
_DATE_LINE_WORDS = 6


def date_only_line(line: str) -> date | None:
    """The date when the whole line is one: our own patterns first, then dateparser for other spellings."""
    when = parse_date_line(line)
    if when or _words(line) > _DATE_LINE_WORDS or not re.search(r"\d", line):
        return when
    import dateparser  # slow to import (its language data); only short lines with a digit get here

    found = dateparser.parse(line, settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return found.date() if found else None


def _keep_date_lines(lines: list[_Line], parsed: ParsedArticle) -> None:
    """A line the boilerplate rules dropped that is only a date gives the article its date, and says so.

    A bare "2016-02-20" looks like an image label to those rules; dropping it silently lost the date.
    """
    for line in lines:
        if not line.category or line.role:
            continue
        when = date_only_line(line.text)
        if when is None:
            continue
        line.category, line.role = None, "date"
        if parsed.published is None:
            parsed.published = when
            parsed.notes.append(f"took the published date {when.isoformat()} from the line {line.text!r}")
        else:
            parsed.notes.append(f"left out the date line {line.text!r}: the date is {parsed.published.isoformat()}")


def parse_text(raw: str) -> ParsedArticle:
    """Parse a plain-text article: the title line, optional byline/date lines, paragraphs, boilerplate.

    Raises UnreadableArticle when there is no text, or nothing but boilerplate.
    """
    lines = _split_lines(raw)
    if not lines:
        raise UnreadableArticle("is empty (no text)")
    parsed = ParsedArticle()
    _mark_boilerplate(lines)
    _mark_header(lines, parsed)
    _keep_date_lines(lines, parsed)
    for line in lines:
        if line.category:
            parsed.dropped.append((line.category, line.text))
        if line.category == "social" and not parsed.byline:
            parsed.byline = _follow_name(line.text)
    parsed.body = "\n\n".join(_assemble(lines))
    if not parsed.body:
        raise UnreadableArticle("has no article text once the title and boilerplate are removed")
    parsed.title = parsed.title or _title_from_body(parsed.body)
    return parsed


# ---------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figcaption",
    "caption",
    "blockquote",
    "dt",
    "dd",
    "td",
    "th",
    "div",
    "section",
    "aside",
    "nav",
    "footer",
    "header",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "figure",
    "table",
    "tr",
    "form",
    "button",
    "pre",
    "address",
    "body",
}
_HINTS = [
    ("advert", re.compile(r"\b(ad|ads|advert|advertisement|adslot|ad-slot|dfp|gpt|sponsor(ed)?|banner-ad)\b")),
    ("share", re.compile(r"share|sharing|social")),
    ("donation", re.compile(r"donat|support-us|membership|contribut")),
    ("newsletter", re.compile(r"newsletter|subscribe|signup|sign-up")),
    ("related", re.compile(r"related|recommend|more-stories|read-more|teaser|outbrain|taboola|trending")),
    ("breadcrumb", re.compile(r"breadcrumb")),
    ("caption", re.compile(r"caption")),
    ("credit", re.compile(r"credit")),
    ("navigation", re.compile(r"\b(nav|navbar|navigation|menu)\b")),
]
_LANDMARKS = {"nav": "navigation", "figcaption": "caption", "footer": "page", "header": "page", "aside": "page"}


def _hint_category(element) -> str:
    """Name page text by the element's landmark tag or class/id words (class="share-buttons", <nav>)."""
    for node in [element, *element.iterancestors()]:
        words = " ".join([node.get("class") or "", node.get("id") or "", node.get("role") or ""]).lower()
        words = words.replace("_", "-")
        for category, pattern in _HINTS:
            if pattern.search(words):
                return category
        if node.tag in _LANDMARKS:
            return _LANDMARKS[node.tag]
    return "page"


def _text_units(root):
    """Each piece of visible page text with the element that holds it, in document order."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "noscript", "template"}:
            continue
        if element.tag not in _BLOCK_TAGS:
            continue
        if any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            # A container: only the text sitting directly in it, between its blocks.
            pieces = [element.text or ""] + [child.tail or "" for child in element]
            text = clean_line(" ".join(pieces))
        else:
            text = clean_line(element.text_content())
        if text:
            yield element, text


def _html_language(root) -> str:
    lang = (root.get("lang") or root.get("xml:lang") or "").strip()
    return lang.lower() if LANGUAGE_CODE.match(lang) else ""


def _page_root(raw: str):
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.document_fromstring(raw)
    except (ValueError, lxml.etree.ParserError):
        return None


def _landmark_texts(root) -> set[str]:
    """Text of the page's navigation, header and footer, which an extractor may fall back to."""
    if root is None:
        return set()
    texts = set()
    for element in root.iter("nav", "header", "footer"):
        texts.add(clean_line(element.text_content()))
        texts.update(text for _, text in _text_units(element))
    for element in root.xpath('//*[@role="navigation" or @role="banner" or @role="contentinfo"]'):
        texts.add(clean_line(element.text_content()))
    return texts


def _left_out(root, parsed: ParsedArticle, kept: set[str]) -> list[tuple[str, str]]:
    """What the extractor left out of the page, by category; metadata shown elsewhere is not listed."""
    if root is None:
        return []
    dropped: list[tuple[str, str]] = []
    for element in root.iter("script", "style", "noscript"):
        code = clean_line(element.text_content())
        if code:
            snippet = code if len(code) <= 60 else code[:59] + "…"
            dropped.append(("script", f"<{element.tag}> {snippet}"))
    body_text = " ".join(kept)
    metadata = {parsed.title, parsed.byline, f"By {parsed.byline}"}
    seen: set[str] = set()
    for element, text in _text_units(root):
        if text in seen or text in metadata or text in body_text or parse_date_line(text):
            continue
        seen.add(text)
        category = classify_line(text) or ("related" if is_tail_heading(text) else _hint_category(element))
        dropped.append((category, text))
    return dropped


def parse_html(raw: str, url: str | None = None) -> ParsedArticle:
    """Extract the main text and metadata of an HTML page with trafilatura, then clean it like plain text.

    Raises UnreadableArticle when the page has no extractable article text.
    """
    import trafilatura

    if not raw.strip():
        raise UnreadableArticle("is empty (no text)")
    document = trafilatura.bare_extraction(
        raw,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
    )
    text = (getattr(document, "text", None) or "") if document else ""
    lines = [_Line(clean_line(line), number) for number, line in enumerate(_physical_lines(text)) if clean_line(line)]
    root = _page_root(raw)
    # On a page without a story the extractor falls back to whatever text there is, such as the menu.
    landmarks = _landmark_texts(root)
    lines = [line for line in lines if line.text not in landmarks]
    if not lines:
        raise UnreadableArticle("is an HTML page with no extractable article text")
    parsed = ParsedArticle(
        title=clean_line(document.title or ""),
        byline=clean_line((document.author or "").replace(";", ",")),
        url=url or document.url or "",
        published=_iso_date(document.date),
        language=_html_language(root) if root is not None else "",
    )
    _mark_boilerplate(lines)
    # The page's own headline (<h1>) and byline paragraph repeat the metadata; they are not body text.
    for line in lines:
        if line.category is None and line.text in {parsed.title, f"By {parsed.byline}"}:
            line.role = "title"
    _mark_header(lines, parsed)
    parsed.body = "\n\n".join(_assemble(lines))
    if not parsed.body:
        raise UnreadableArticle("is an HTML page with no article text once boilerplate is removed")
    parsed.dropped = [(line.category, line.text) for line in lines if line.category]
    parsed.dropped += _left_out(root, parsed, {line.text for line in lines})
    parsed.title = parsed.title or _title_from_body(parsed.body)
    return parsed


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
