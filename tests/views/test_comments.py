"""Discussion on the desk's pages: the reader carries only counts, My work lists threads mentioning me, and
hostile comment text stays text everywhere (reader JSON, My work, inbox)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from tests.views.test_reader import reader_data

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def claims(article, make_claim, alice):
    return (
        make_claim(article, "the officers made a tactical retreat", user=alice),
        make_claim(article, "eight or ten deaths", user=alice),
    )


def _comments(claim, users, n):
    root = services.add_comment(user=users[0], claim=claim, text="root @bob")
    for i in range(n - 1):
        services.add_comment(user=users[i % len(users)], parent=root, text=f"reply {i} @bob")


def test_it_gives_the_reader_comment_counts_only_in_the_same_queries_at_10_and_100(client, claims, alice, bob):
    client.force_login(alice)
    counts = []
    for n in (10, 90):  # 10, then 100 comments
        _comments(claims[0], [alice, bob], n)
        cache.clear()  # both loads build the claims (comments do not change them: a reload reads them cached)
        with CaptureQueriesContext(connection) as queries:
            data = reader_data(client.get(reverse("articles:article_detail", args=[claims[0].article_id])))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert data["comment_counts"] == {str(claims[0].pk): 100}
    assert "root @bob" not in str(data)  # threads are fetched when a card is opened


def test_it_keeps_hostile_comment_text_as_json_in_the_reader(client, claims, alice):
    services.add_comment(user=alice, claim=claims[0], text=HOSTILE)
    client.force_login(alice)
    page = client.get(reverse("articles:article_detail", args=[claims[0].article_id])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page


def test_it_lists_unresolved_threads_mentioning_me_in_my_work(client, claims, alice, bob, carol):
    open_thread = services.add_comment(user=alice, claim=claims[0], text=f"@bob please look {HOSTILE}")
    resolved = services.add_comment(user=alice, claim=claims[1], text="@bob this one is done")
    services.resolve_thread(user=alice, comment=resolved)
    reply_mention = services.add_comment(user=carol, claim=claims[1], text="a thread")
    services.add_comment(user=alice, parent=reply_mention, text="@bob see the reply")
    services.add_comment(user=alice, claim=claims[1], text="no mention here")
    client.force_login(bob)
    page = client.get(reverse("articles:my_work")).content.decode()
    section = page[page.index("Threads mentioning me") :]
    assert "please look" in section and "a thread" in section
    assert "this one is done" not in section and "no mention here" not in section
    assert "<script>alert" not in page and "&lt;script&gt;" in section
    assert f"#claim-{claims[0].pk}" in section
    top = client.get(reverse("articles:article_list")).content.decode()
    assert 'aria-label="2 open items, 2 of them threads mentioning you"' in top
    assert open_thread.pk


def test_it_reads_my_work_in_the_same_queries_at_10_and_100_mentions(client, claims, alice, bob):
    client.force_login(bob)
    counts = []
    for n in (10, 90):
        for _ in range(n):
            services.add_comment(user=alice, claim=claims[0], text="@bob look")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("articles:my_work")).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert page.count("@bob look") == 100


def test_it_escapes_hostile_comment_text_in_the_inbox(client, claims, alice, bob):
    services.add_comment(user=alice, claim=claims[0], text=f"@bob {HOSTILE}")
    client.force_login(bob)
    page = client.get(reverse("articles:inbox")).content.decode()
    assert "alice mentioned you" in page and "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Mentioned in a comment" in page and "Reply in a thread you took part in" in page  # e-mail settings
