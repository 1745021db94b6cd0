from django.shortcuts import render

from articles import access


def verdict_public(request, pk):
    """A published verdict, readable without login."""
    review = access.get_published_review(pk)
    return render(request, "articles/verdict_public.html", {"review": review})
