"""The article list: search, filters, sorting and pages in a fixed number of queries."""

import pytest
from django.urls import reverse


def titles(response):
    return [article.title for article in response.context["page"]]


def test_it_lists_searches_and_counts_claims(client, alice, article, make_article, make_claim):
    make_article("The governor signed a decree on Friday.", title="Decree signed")
    make_claim(article, "tactical retreat", user=alice)
    client.force_login(alice)
    response = client.get("/articles/")
    assert response.status_code == 200
    assert set(titles(response)) == {article.title, "Decree signed"}
    assert titles(client.get("/articles/?q=governor friday")) == ["Decree signed"]
    assert titles(client.get('/articles/?q="tactical retreat"')) == [article.title]
    assert titles(client.get("/articles/?has_claims=true")) == [article.title]
    assert titles(client.get("/articles/?sort=-claims")) == [article.title, "Decree signed"]


def test_it_shows_filter_errors_instead_of_failing(client, alice, article):
    client.force_login(alice)
    response = client.get("/articles/?published_after=not-a-date&source=999999")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_it_has_export_buttons_carrying_the_filters(client, alice, article):
    client.force_login(alice)
    html = client.get("/articles/?q=mayor&page=2").content.decode()
    assert f'href="{reverse("exports:articles_csv")}?q=mayor"' in html


def test_it_escapes_hostile_titles(client, alice, make_article):
    make_article("Body text here.", title="<img src=x onerror=alert(1)>")
    client.force_login(alice)
    html = client.get("/articles/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_it_sends_anonymous_users_to_log_in(client):
    response = client.get("/articles/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("articles", [1, 12])
def test_it_answers_in_a_fixed_number_of_queries(client, alice, make_article, django_assert_num_queries, articles):
    for n in range(articles):
        make_article(f"Body number {n}.")
    client.force_login(alice)
    client.get("/articles/")
    # session, user, count, page, and the source and tag choices of the filter form (speakers are suggested
    # as the user types, not listed)
    with django_assert_num_queries(8):  # + the top bar's work and inbox counts
        client.get("/articles/")
