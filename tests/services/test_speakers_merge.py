"""Speaker aliases and merging two speakers: claims, aliases, history and links follow the surviving speaker."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.filters import ClaimFilter, SpeakerFilter
from articles.models import Claim, ClaimLink, Speaker, SpeakerAlias


def test_an_alias_is_normalised_and_unique_per_speaker(alice, mayor):
    first = services.add_alias(user=alice, speaker=mayor, alias="  The   Mayor ")
    again = services.add_alias(user=alice, speaker=mayor, alias="the mayor")
    assert first.pk == again.pk and first.alias == "The Mayor" and first.normalised == "the mayor"
    accented = services.add_alias(user=alice, speaker=mayor, alias="Bustamánte")
    assert accented.normalised == "bustamante"
    with pytest.raises(ValidationError, match="limit is 200"):
        services.add_alias(user=alice, speaker=mayor, alias="x" * 201)
    with pytest.raises(ValidationError):
        services.add_alias(user=alice, speaker=mayor, alias=" ... ")
    other = Speaker.objects.create(name="Ana Morera")
    assert services.add_alias(user=alice, speaker=other, alias="the mayor").speaker == other  # per speaker


def test_a_found_name_matches_a_speaker_by_name_or_alias_whatever_its_case_and_accents(alice, mayor):
    services.add_alias(user=alice, speaker=mayor, alias="the mayor")
    rocha = Speaker.objects.create(name="Rubén Rocha Moya", description="governor of Sinaloa")
    assert services.speakers_matching(["the mayor of escuinapa", "the mayor"]) == mayor
    assert services.speakers_matching(["bonifacio bustamante"]) == mayor
    assert services.speakers_matching(["ruben rocha moya"]) == rocha
    assert services.speakers_matching(["somebody else"]) is None


def test_lists_find_speakers_by_alias(alice, mayor, make_article, make_claim):
    services.add_alias(user=alice, speaker=mayor, alias="el alcalde")
    claim = make_claim(make_article(), "tactical retreat", user=alice, speaker=mayor)
    by_alias = SpeakerFilter({"q": "alcalde"}, queryset=Speaker.objects.all()).qs
    assert list(by_alias) == [mayor]
    for data in ({"q": "alcalde"}, {"speaker_name": "alcalde"}, {"speaker": "el alcalde"}):
        claims = ClaimFilter(data, queryset=Claim.objects.all())
        assert list(claims.qs) == [claim], data


def test_an_editor_merges_a_speaker_and_everything_follows(alice, erin, mayor, make_article, make_claim):
    duplicate = Speaker.objects.create(name="Bonifacio Bustamante Gómez", affiliation="Town hall")
    services.add_alias(user=alice, speaker=duplicate, alias="Bustamante")
    article = make_article()
    moved = make_claim(article, "tactical retreat", user=alice, speaker=duplicate)
    kept = make_claim(article, "abandoned the town", user=alice, speaker=mayor)
    link = services.link_claims(user=alice, from_claim=moved, to_claim=kept, relation="contradicts")
    services.delete_claim(user=alice, claim=make_claim(article, "bloodbath", user=alice, speaker=duplicate))
    version = moved.version

    result = services.merge_speakers(user=erin, source=duplicate, target=mayor, reason="same person")

    assert result.claims == 2 and not Speaker.objects.filter(pk=duplicate.pk).exists()
    moved.refresh_from_db()
    assert moved.speaker == mayor and moved.version == version + 1
    assert Claim.objects.filter(speaker=mayor).count() == 3  # the deleted claim too (it can be restored)
    assert ClaimLink.objects.get(pk=link.pk).from_claim.speaker == mayor
    aliases = set(SpeakerAlias.objects.filter(speaker=mayor).values_list("alias", flat=True))
    assert aliases == {"Bustamante", "Bonifacio Bustamante Gómez"}
    mayor.refresh_from_db()
    assert mayor.affiliation == "Town hall"  # blanks filled from the merged speaker
    # History: every past version of the claim names the surviving speaker, with the merge's reason.
    assert set(moved.history.values_list("speaker_id", flat=True)) == {mayor.pk}
    assert moved.history.first().history_change_reason == "same person"
    assert moved.history.first().history_user == erin
    gone = Speaker.history.filter(id=duplicate.pk).first()
    assert gone.history_type == "-" and f"merged into #{mayor.pk}" in gone.history_change_reason
    assert "merged in speaker" in mayor.history.first().history_change_reason


def test_only_editors_merge_and_never_a_speaker_into_itself(alice, bob, erin, mayor):
    other = Speaker.objects.create(name="Ana Morera")
    for user in (alice, bob):
        with pytest.raises(PermissionDenied):
            services.merge_speakers(user=user, source=other, target=mayor)
    with pytest.raises(ValidationError):
        services.merge_speakers(user=erin, source=mayor, target=mayor)
    assert Speaker.objects.count() == 2
