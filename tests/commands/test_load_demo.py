"""`load_demo` builds a small desk once; a second run reuses it; every printed login opens admin."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.management import demo
from articles.models import Article, Claim, ClaimLink, Verdict


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return [model.objects.count() for model in (Article, Claim, ClaimLink, Verdict)]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_it_loads_links_of_every_type_and_verdicts_in_several_states(db, debug_on):
    load()
    assert set(ClaimLink.objects.values_list("relation", flat=True)) == set(ClaimLink.Relation.values)
    assert set(Verdict.objects.values_list("state", flat=True)) >= {"draft", "in_review", "approved", "published"}
    published = Verdict.objects.get(state="published")
    assert published.author != published.editor  # four-eyes held for the demo too


def test_it_duplicates_nothing_on_a_second_run(db, debug_on):
    load()
    first = counts()
    load()
    assert counts() == first


def test_every_printed_login_works_in_admin(client, db, debug_on):
    output = load()
    for username, _role, password in demo.DEMO_USERS:
        assert f"username: {username}" in output and password in output
        assert client.login(username=username, password=password)
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()


def test_it_refuses_to_load_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo", stdout=io.StringIO())
