"""A claim's shape is written once (queries.ClaimPresenter): the API, its schema, the reader and the exports agree."""

import json

from django.urls import reverse
from rest_framework.test import APIClient

from articles import exports
from articles.models import Claim
from articles.queries import CLAIM_LIST_FIELDS, CLAIM_SPAN_FIELDS, READER_CLAIM_FIELDS, SPEAKER_FIELDS


def test_it_gives_the_api_claim_the_builders_fields_in_order(alice, article, make_claim, mayor):
    claim = make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"])
    api = APIClient()
    api.force_login(alice)

    shown = api.get(f"/api/claims/{claim.pk}/").json()

    assert list(shown) == list(CLAIM_LIST_FIELDS)  # ending with the status (queries.ClaimStatus) and verdict_action
    assert list(shown["speaker"]) == [*SPEAKER_FIELDS, "label"]
    assert shown["can_edit"] is True and shown["tags"] == ["police"] and shown["source"] == article.source.name


def test_it_declares_the_same_fields_in_the_schema(client, alice):
    client.force_login(alice)
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert list(schema["components"]["schemas"]["ClaimList"]["properties"]) == list(CLAIM_LIST_FIELDS)


def test_it_embeds_the_same_fields_less_the_timestamps_in_the_reader():
    assert [name for name in CLAIM_LIST_FIELDS if name in READER_CLAIM_FIELDS] == list(READER_CLAIM_FIELDS)
    assert set(CLAIM_LIST_FIELDS) - set(READER_CLAIM_FIELDS) == {
        "created_at", "updated_at", "article_title", "source", "reader_url",
    }  # fmt: skip


def test_it_exports_the_span_and_speaker_under_the_apis_names(alice, article, make_claim, mayor):
    claim = make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    api = APIClient()
    api.force_login(alice)
    shown = api.get(f"/api/claims/{claim.pk}/").json()

    records = [json.loads(line) for line in exports.write_jsonl(Claim.objects.all())]
    [record] = [record for record in records if record["type"] == "claim"]

    assert {name: record[name] for name in CLAIM_SPAN_FIELDS} == {name: shown[name] for name in CLAIM_SPAN_FIELDS}
    assert record["speaker"] == {name: shown["speaker"][name] for name in SPEAKER_FIELDS}
    assert exports.CSV_COLUMNS[7:12] == CLAIM_SPAN_FIELDS
