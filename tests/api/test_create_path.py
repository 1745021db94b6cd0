"""The claim create path's shortcuts give the answers of the long way: the role's permissions read in one query,
and the article, span and speaker read in one (access.load_permissions, access.get_claim_target_for_user)."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from articles import access
from articles.models import Claim, Tag
from articles.text import anchoring
from tests.conftest import make_user

QUOTE = "The mayor said the officers made a tactical retreat to avoid a bloodbath."


@pytest.fixture(autouse=True)
def fresh_sql(monkeypatch):
    # The SQL is built on first use: each test builds it again, whichever path (a request's lazy user or not)
    # comes first.
    monkeypatch.setattr(access, "_PERMISSIONS_SQL", {})
    monkeypatch.setattr(access, "_CLAIM_TARGET_SQL", {})


def permissions_the_long_way(user) -> set[str]:
    fresh = type(user).objects.get(pk=user.pk)
    return ModelBackend().get_all_permissions(fresh)


@pytest.mark.parametrize("role", ["Annotator", "Fact-checker", "Editor", None])
def test_permissions_in_one_query_are_the_model_backends(db, role, django_assert_num_queries):
    user = make_user("someone", role)
    user.user_permissions.add(Permission.objects.get(codename="delete_article"))  # one of their own, too
    with django_assert_num_queries(1):
        access.load_permissions(user)
    assert user._perm_cache == permissions_the_long_way(user)
    assert "articles.delete_article" in user._perm_cache
    with django_assert_num_queries(0):
        assert user.has_perm("articles.delete_article")
        assert user.has_perm("articles.add_claim") is (role is not None)


def test_a_superuser_has_every_permission_and_an_inactive_user_none(root, alice):
    access.load_permissions(root)
    assert root._perm_cache == permissions_the_long_way(root)
    alice.is_active = False
    access.load_permissions(alice)
    assert not hasattr(alice, "_perm_cache")
    assert not alice.has_perm("articles.add_claim")


def test_a_role_taken_away_counts_from_the_next_request(alice, article):
    api = APIClient()
    api.force_login(alice)
    start = article.body.index(QUOTE)
    payload = {"article": article.pk, "start": start, "end": start + len(QUOTE), "quote": QUOTE}
    assert api.post("/api/claims/", payload, format="json").status_code == 201
    alice.groups.clear()
    assert api.post("/api/claims/", payload, format="json").status_code == 403


@pytest.mark.parametrize("where", ["start of the text", "middle", "end of the text"])
def test_the_context_read_in_sql_is_the_anchoring_context(api_client_for, article, mayor, where):
    # The context the service reads with SUBSTR is what anchoring.describe takes from the text, also where the
    # text leaves less than CONTEXT_LENGTH characters on one side.
    text = article.body
    start = {"start of the text": 0, "middle": text.index(QUOTE), "end of the text": len(text) - 5}[where]
    end = start + (len(QUOTE) if where == "middle" else 5)
    body = api_client_for.post(
        "/api/claims/",
        {"article": article.pk, "start": start, "end": end, "quote": text[start:end], "speaker": mayor.pk},
        format="json",
    ).json()
    claim = Claim.objects.get(pk=body["id"])
    selector = anchoring.describe(text, start, end)
    assert (claim.prefix, claim.suffix) == (selector.prefix, selector.suffix)
    assert claim.speaker == mayor
    assert body["article_title"] == article.title
    assert body["source"] == article.source.name


def test_the_claim_target_names_an_unknown_speaker_apart_from_an_unknown_article(alice, article):
    _, speaker, length, claims, texts, tags = access.get_claim_target_for_user(alice, article.pk, 999_999, [(0, 3)])
    assert speaker is None
    assert length == len(article.body)
    assert claims == 0
    assert texts == [article.body[:3]]
    assert tags == {}
    with pytest.raises(access.Http404):
        access.get_claim_target_for_user(alice, 999_999, None, [(0, 3)])


@pytest.fixture
def api_client_for(alice):
    api = APIClient()
    api.force_login(alice)
    return api


def test_the_claim_target_gives_the_ids_of_the_tags_that_exist(alice, article):
    police, army = Tag.objects.create(name="police"), Tag.objects.create(name="army")
    *_, tags = access.get_claim_target_for_user(alice, article.pk, None, [(0, 3)], ["police", "nope", "army"])
    assert tags == {"police": police.pk, "army": army.pk}


def test_a_create_makes_the_missing_tags_and_keeps_the_existing_ones(api_client_for, article):
    police = Tag.objects.create(name="police")
    start = article.body.index(QUOTE)
    payload = {"article": article.pk, "start": start, "end": start + len(QUOTE), "quote": QUOTE}
    response = api_client_for.post("/api/claims/", {**payload, "tags": ["Police", "new-one"]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["tags"] == ["new-one", "police"]
    claim = Claim.objects.get(pk=response.json()["id"])
    assert sorted(claim.tags.values_list("name", flat=True)) == ["new-one", "police"]
    assert claim.tags.get(name="police") == police
    record = claim.history.get()
    assert sorted(tag.tag.name for tag in record.tags.all()) == ["new-one", "police"]


def test_parsing_a_claim_leaves_its_declared_fields_unbound():
    # The create and update serializers copy their declared fields shallowly (ClaimFieldsMixin.get_fields):
    # each parse must bind only its own copies, or the next parse would find them bound already.
    from articles.api.serializers import ClaimCreateSerializer, ClaimUpdateSerializer

    payload = {"article": 1, "start": 0, "end": 4, "quote": "Text", "tags": ["a", "b"], "new_speaker": {"name": "X"}}
    for serializer_class in (ClaimCreateSerializer, ClaimUpdateSerializer):
        first, second = serializer_class(data=payload), serializer_class(data=payload)
        first.is_valid()
        second.is_valid()
        assert first.fields["quote"] is not second.fields["quote"]
        assert first.fields["new_speaker"].parent is first and second.fields["new_speaker"].parent is second
        for field in serializer_class._declared_fields.values():
            assert field.parent is None and field.field_name is None
    bad = ClaimCreateSerializer(data={**payload, "start": "x", "tags": ["ok", 5, None]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"start", "tags"}
