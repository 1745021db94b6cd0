"""The export's reference: the same claim rows read with a raw database cursor and written with json.dumps / csv.

`python -m bench.export_reference --format jsonl|csv -o FILE` (run by the harness as a child process, with
the harness's environment, so Django starts up as it does for `manage.py export_claims`). It reads live
claims with the same per-claim columns both exports carry (articles.exports.CLAIM_FIELDS: the claim's own,
its article's title, source, URL, date and text hash, its speaker, its creator's name), in keyset batches
ordered by id so memory stays flat, and writes one JSON object per line, or one CSV row per claim. No tags,
links, verdicts or article records: it is the floor an export cannot go below on this machine.
"""

import argparse
import csv
import json
import os
import sys
from datetime import date

BATCH = 2000
COLUMNS = [
    "id", "article_id", "article_title", "article_source", "article_url", "article_published", "content_hash",
    "start", "end", "quote", "prefix", "suffix", "anchor_state", "speaker_id", "speaker", "speaker_description",
    "speaker_affiliation", "summary", "created_by", "created_at", "updated_at",
]  # fmt: skip
QUERY = """
    SELECT c.id, c.article_id, a.title, src.name, a.url, a.published, a.content_hash, c.start, c."end", c.quote,
           c.prefix, c.suffix, c.anchor_state, c.speaker_id, s.name, s.description, s.affiliation, c.summary,
           u.username, c.created_at, c.updated_at
    FROM articles_claim c
    JOIN articles_article a ON a.id = c.article_id
    LEFT JOIN articles_source src ON src.id = a.source_id
    LEFT JOIN articles_speaker s ON s.id = c.speaker_id
    JOIN auth_user u ON u.id = c.created_by_id
    WHERE c.deleted_at IS NULL AND c.id > %s
    ORDER BY c.id
    LIMIT %s
"""


def rows(connection):
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(QUERY, [last, BATCH])
            batch = cursor.fetchall()
            if not batch:
                return
            yield from batch
            last = batch[-1][0]


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=["jsonl", "csv"])
    parser.add_argument("-o", "--output")
    parser.add_argument("--setup-only", action="store_true", help="only set Django up (the memory baseline)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    if args.setup_only:
        return 0
    if not args.format or not args.output:
        parser.error("--format and -o are required")
    from django.db import connection

    count = 0
    with open(args.output, "w", encoding="utf-8", newline="") as file:
        if args.format == "csv":
            writer = csv.writer(file)
            writer.writerow(COLUMNS)
            for row in rows(connection):
                writer.writerow(row)
                count += 1
        else:
            for row in rows(connection):
                record = dict(zip(COLUMNS, (_plain(value) for value in row), strict=True))
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
