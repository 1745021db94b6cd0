"""Every admin page opens for every role without a server error (issue 16, finding 5).

The walk is built from the admin site itself: each registered model's changelist, add page, and the
change, history and delete pages of a record someone else made, plus every custom URL the model admin
adds (dashboard, import, compare, workflow). A new admin page is walked without editing this test.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse

from articles import services
from articles.models import Claim, Evidence, Verdict
from tests.verdict_helpers import make_verdict

PERSONAS = ["alice", "bob", "erin", "root"]


@pytest.fixture
def records(make_article, make_claim, carol, frank, erin, mayor):
    """One of everything, made by people other than the personas who open them (carol, frank)."""
    article = make_article(url="https://herald.example.org/escuinapa")
    claim = make_claim(article, "We could have had eight or ten deaths", user=carol, speaker=mayor, tags=["police"])
    other = make_claim(article, "tactical retreat", user=carol)
    services.link_claims(user=carol, from_claim=claim, to_claim=other, relation="supports")
    make_verdict(claim, author=frank, editor=erin, state=Verdict.State.IN_REVIEW)
    assert Evidence.objects.exists()


def admin_urls() -> list[str]:
    """Every admin URL that needs no more than one record's id."""
    urls = [reverse("admin:index"), reverse("admin:app_list", args=["articles"])]
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if model is Claim:
            obj = Claim.objects.order_by("pk").first()
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"admin:{info}_changelist"), reverse(f"admin:{info}_add")]
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            if pattern.name.removeprefix(f"{info}_") in ("changelist", "add"):
                continue
            # simple_history's version page is a regex with two unnamed groups: the object's id, the version's.
            names = list(pattern.pattern.converters) or ["object_id", "version_id"][: pattern.pattern.regex.groups]
            kwargs = {}
            for name in names:
                if obj is None:
                    break
                if name in ("object_id", "id"):
                    kwargs[name] = obj.pk
                elif name == "version_id" and hasattr(obj, "history"):
                    kwargs[name] = obj.history.order_by("history_id").first().history_id
                else:
                    raise AssertionError(f"the walk cannot fill <{name}> in {pattern.pattern}; teach it")
            else:
                if pattern.pattern.converters:
                    urls.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
                else:
                    urls.append(reverse(f"admin:{pattern.name}", args=list(kwargs.values())))
    return urls


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_opens_every_admin_page_for_every_role(client, request, records, persona):
    client.force_login(request.getfixturevalue(persona))
    urls = admin_urls()
    assert any(url.endswith("/dashboard/") for url in urls) and any(url.endswith("/compare/") for url in urls)
    assert any(url.endswith("/import/") for url in urls)
    failures = {}
    for url in urls:
        status = client.get(url).status_code
        if status >= 500:
            failures[url] = status
    assert failures == {}


def test_it_shows_another_users_claim_read_only_to_an_annotator(client, alice, records):
    claim = Claim.objects.order_by("pk").first()
    client.force_login(alice)
    response = client.get(reverse("admin:articles_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    assert "We could have had eight or ten deaths" in response.content.decode()
    assert 'name="quote"' not in response.content.decode()


def test_it_refuses_a_summary_over_the_limit_with_a_form_error(client, erin, records):
    from articles import limits

    claim = Claim.objects.order_by("pk").first()
    client.force_login(erin)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    page = client.get(url).content.decode()
    assert f'maxlength="{limits.MAX_SUMMARY}"' in page
    data = {
        "article": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "summary": "x" * (limits.MAX_SUMMARY + 1),
        "anchor_state": claim.anchor_state,
        "version": claim.version,
        "links_out-TOTAL_FORMS": 0,
        "links_out-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"at most {limits.MAX_SUMMARY} characters" in response.content.decode()
