"""Speakers in the console: aliases edited inline (through the services), and "Merge selected speakers into…"."""

from django.urls import reverse

from articles import services
from articles.models import Claim, Speaker, SpeakerAlias

CHANGELIST = "admin:articles_speaker_changelist"


def speaker_form(speaker, aliases=(), existing=()):
    data = {
        "name": speaker.name,
        "description": speaker.description,
        "affiliation": speaker.affiliation,
        "aliases-TOTAL_FORMS": str(len(existing) + len(aliases)),
        "aliases-INITIAL_FORMS": str(len(existing)),
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    for index, (alias, delete) in enumerate(existing):
        data |= {f"aliases-{index}-id": alias.pk, f"aliases-{index}-speaker": speaker.pk,
                 f"aliases-{index}-alias": alias.alias}  # fmt: skip
        if delete:
            data[f"aliases-{index}-DELETE"] = "on"
    for index, alias in enumerate(aliases, start=len(existing)):
        data |= {f"aliases-{index}-speaker": speaker.pk, f"aliases-{index}-alias": alias}
    return data


def test_it_adds_and_removes_aliases_inline(client, alice, mayor):
    client.force_login(alice)
    url = reverse("admin:articles_speaker_change", args=[mayor.pk])
    response = client.post(url, speaker_form(mayor, ["the mayor", "Bustamánte"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(mayor.aliases.values_list("normalised", flat=True)) == {"the mayor", "bustamante"}
    old = mayor.aliases.get(normalised="the mayor")
    response = client.post(url, speaker_form(mayor, existing=[(old, True)]))
    assert response.status_code == 302
    assert list(mayor.aliases.values_list("alias", flat=True)) == ["Bustamánte"]


def test_an_editor_merges_speakers_after_confirming(client, erin, alice, mayor, make_article, make_claim):
    duplicate = Speaker.objects.create(name="B. Bustamante")
    services.add_alias(user=alice, speaker=duplicate, alias="<b>the mayor</b>")
    claim = make_claim(make_article(), "tactical retreat", user=alice, speaker=duplicate)
    client.force_login(erin)
    chosen = {"action": "merge_selected", "_selected_action": [mayor.pk, duplicate.pk]}
    page = client.post(reverse(CHANGELIST), chosen)
    text = page.content.decode()
    assert page.status_code == 200 and "Merge into the chosen speaker" in text
    assert "&lt;b&gt;the mayor&lt;/b&gt;" in text and "<b>the mayor" not in text  # aliases are escaped
    assert Speaker.objects.filter(pk=duplicate.pk).exists()  # nothing happens before confirming
    done = client.post(reverse(CHANGELIST), {**chosen, "confirm": "yes", "target": mayor.pk, "reason": "same man"})
    assert done.status_code == 302
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()
    assert Claim.objects.get(pk=claim.pk).speaker == mayor
    assert SpeakerAlias.objects.filter(speaker=mayor, alias="B. Bustamante").exists()


def test_annotators_cannot_merge(client, alice, mayor):
    other = Speaker.objects.create(name="Ana Morera")
    client.force_login(alice)
    chosen = {"action": "merge_selected", "_selected_action": [mayor.pk, other.pk], "confirm": "yes",
              "target": mayor.pk}  # fmt: skip
    client.post(reverse(CHANGELIST), chosen)
    assert Speaker.objects.filter(pk=other.pk).exists()


def test_merging_needs_two_speakers(client, erin, mayor):
    client.force_login(erin)
    response = client.post(
        reverse(CHANGELIST), {"action": "merge_selected", "_selected_action": [mayor.pk]}, follow=True
    )
    assert "Select between 2 and" in response.content.decode()
