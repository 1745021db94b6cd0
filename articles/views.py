from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from articles import access
from articles.models import Article


@login_required
def article_list(request):
    articles = Article.objects.select_related("source").with_claim_counts()[:50]
    return render(request, "articles/article_list.html", {"articles": articles})


@login_required
def article_detail(request, pk):
    article = access.get_article_for_user(request.user, pk)
    return render(request, "articles/article_detail.html", {"article": article})


@login_required
def claim_detail(request, pk):
    claim = access.get_claim_for_user(request.user, pk)
    return render(request, "articles/claim_detail.html", {"claim": claim})

