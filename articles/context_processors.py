"""Template context for every desk page: the top bar's work and inbox counts (lazy: two queries when shown)."""

from django.utils.functional import SimpleLazyObject

from articles.queries import work_counts


def desk_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"desk_counts": SimpleLazyObject(lambda: work_counts(user))}
