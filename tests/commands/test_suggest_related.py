"""manage.py suggest_related: embeds the claims the model has not seen and suggests their related claims."""

from io import StringIO

from django.core.management import call_command

from articles.models import ClaimEmbedding, RelatedSuggestion
from articles.services import related as related_service


def test_it_embeds_the_desk_and_suggests(make_article, make_claim, alice):
    related_service.forget_index()
    en = make_article("The mayor said the officers made a tactical retreat.", title="EN")
    es = make_article("El alcalde dijo que los policías hicieron una retirada táctica.", title="ES")
    make_claim(en, "The mayor said the officers made a tactical retreat.", user=alice)
    make_claim(es, "El alcalde dijo que los policías hicieron una retirada táctica.", user=alice)
    out = StringIO()
    call_command("suggest_related", stdout=out)
    assert "2 claim(s) to consider" in out.getvalue()
    assert ClaimEmbedding.objects.count() == 2
    assert RelatedSuggestion.objects.count() == 1
    out = StringIO()
    call_command("suggest_related", stdout=out)
    assert "0 claim(s) to consider" in out.getvalue()
    related_service.forget_index()
