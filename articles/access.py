"""Object access: one helper per object type, used by every view, API endpoint and admin page.

Reading needs a login; writing needs ownership or the editor's permission. What a user may not see
is a 404, so ids of hidden records reveal nothing; what a user may see but not change is a 403.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connections, router
from django.db.models import Q
from django.http import Http404

from articles.models import (
    ApiToken,
    Article,
    Assignment,
    Claim,
    ClaimLink,
    Comment,
    Job,
    Notification,
    RelatedSuggestion,
    SentenceSuggestion,
    Source,
    Speaker,
    Tag,
    Verdict,
)


def _one(queryset, pk, missing: str):
    """The row with this id, or a 404 saying `missing`: an unknown id and one that is not an id (text, a float,
    a number past the column's range) are the same answer, never a 500."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(missing) from None


def load_permissions(user) -> None:
    """Read an active user's model permissions, their own and their groups', in one query, and keep them where
    Django's ModelBackend looks first (`user._perm_cache`): has_perm() then asks the database nothing.

    ModelBackend reads them in two ORM queries (the user's, then their groups'); every write through the API
    checks the role's permission, so this saves a round trip and most of the CPU of both. The set is the one
    ModelBackend builds (app_label.codename; a superuser has every permission); inactive and anonymous users
    have none, which ModelBackend says without a query. Read once per request: a role changed in admin counts
    from the next request.
    """
    if user is None or not user.is_authenticated or not user.is_active or hasattr(user, "_perm_cache"):
        return
    if user.is_superuser:
        rows = Permission.objects.values_list("content_type__app_label", "codename").order_by()
    else:
        connection = connections[router.db_for_read(Permission)]
        if connection.vendor not in _PERMISSIONS_SQL:
            _PERMISSIONS_SQL[connection.vendor] = _permissions_sql(connection, get_user_model())
        with connection.cursor() as cursor:
            cursor.execute(_PERMISSIONS_SQL[connection.vendor], [user.pk, user.pk])
            rows = cursor.fetchall()
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}


def _permissions_sql(connection, user_model) -> str:
    """load_permissions' query: the permissions granted to a user directly or through any of their groups."""
    quote = connection.ops.quote_name
    own, groups = user_model._meta.get_field("user_permissions"), user_model._meta.get_field("groups")
    granted = Group._meta.get_field("permissions")
    types = Permission._meta.get_field("content_type")
    # Every name below comes from the models; the user's id is the only value, passed as a parameter.
    own_ids = f"SELECT {quote(own.m2m_reverse_name())} FROM {quote(own.m2m_db_table())}"  # noqa: S608
    own_ids += f" WHERE {quote(own.m2m_column_name())} = %s"
    group_ids = f"SELECT g.{quote(granted.m2m_reverse_name())} FROM {quote(granted.m2m_db_table())} g"  # noqa: S608
    group_ids += f" INNER JOIN {quote(groups.m2m_db_table())} m"
    group_ids += f" ON m.{quote(groups.m2m_reverse_name())} = g.{quote(granted.m2m_column_name())}"
    group_ids += f" WHERE m.{quote(groups.m2m_column_name())} = %s"
    names = f"SELECT t.{quote('app_label')}, p.{quote('codename')} FROM {quote(Permission._meta.db_table)} p"  # noqa: S608
    names += f" INNER JOIN {quote(types.related_model._meta.db_table)} t ON t.{quote('id')} = p.{quote(types.column)}"
    return f"{names} WHERE p.{quote('id')} IN ({own_ids} UNION {group_ids})"


_PERMISSIONS_SQL: dict[str, str] = {}


def owner_or_editor(user, own_permission: str) -> Callable[[int | None], bool]:
    """Whether `user` may change a claim or link made by a given user id: editors (change_any_claim) anyone's,
    others their own if they hold `own_permission`. The permissions are read once, for many records."""
    if user is None or not user.is_authenticated:
        return lambda created_by_id: False
    if user.has_perm("articles.change_any_claim"):
        return lambda created_by_id: True
    if not user.has_perm(own_permission):
        return lambda created_by_id: False
    user_pk = user.pk
    return lambda created_by_id: created_by_id == user_pk


def can_change_claim(user, claim: Claim) -> bool:
    """Annotators change their own claims; editors (change_any_claim) change anyone's."""
    return owner_or_editor(user, "articles.change_claim")(claim.created_by_id)


def can_change_link(user, link: ClaimLink) -> bool:
    return owner_or_editor(user, "articles.delete_claimlink")(link.created_by_id)


def get_article_for_user(user, pk, *, only: tuple[str, ...] | None = None) -> Article:
    """Any logged-in user reads every article; `only`: load just these fields (say, not the text)."""
    if not user.is_authenticated:
        raise PermissionDenied
    articles = Article.objects.select_related("source")
    if only:
        articles = (articles if any(name.startswith("source__") for name in only) else Article.objects).only(*only)
    return _one(articles, pk, "No such article.")


def _claim_target_sql(connection, substrings: int, tags: int) -> str:
    """The SQL of get_claim_target_for_user for this database, from the models' table and column names only."""
    quote = connection.ops.quote_name

    def column(alias: str, model, name: str) -> str:
        return f"{quote(alias)}.{quote(model._meta.get_field(name).column)}"

    def table(model, alias: str) -> str:
        return f"{quote(model._meta.db_table)} {quote(alias)}"

    body = column("a", Article, "body")
    claim_article = column("c", Claim, "article")
    claims = f"SELECT COUNT(*) FROM {table(Claim, 'c')} WHERE {claim_article} = {column('a', Article, 'id')}"  # noqa: S608
    selected = [
        column("a", Article, "title"),
        column("a", Article, "source"),
        column("s", Source, "name"),
        f"LENGTH({body})",
        f"({claims})",
        *(column("p", Speaker, name) for name in SPEAKER_COLUMNS),
        *[f"SUBSTR({body}, %s, %s)"] * substrings,
        *[f"(SELECT {column('t', Tag, 'id')} FROM {table(Tag, 't')} WHERE {column('t', Tag, 'name')} = %s)"] * tags,  # noqa: S608
    ]
    lock = f" FOR UPDATE OF {quote('a')}" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {', '.join(selected)} FROM {table(Article, 'a')}"  # noqa: S608 (names from the models, values as parameters)
        f" LEFT OUTER JOIN {table(Source, 's')} ON {column('s', Source, 'id')} = {column('a', Article, 'source')}"
        f" LEFT OUTER JOIN {table(Speaker, 'p')} ON {column('p', Speaker, 'id')} = %s"
        f" WHERE {column('a', Article, 'id')} = %s{lock}"
    )


SPEAKER_COLUMNS = ("id", "name", "description", "affiliation")


def get_claim_target_for_user(
    user, article_pk: int, speaker_pk: int | None, substrings: list[tuple[int, int]], tag_names: list[str] = ()
):
    """What a new claim is made of, in one query: the article (heading only: id, title, outlet) with its row locked
    for the current transaction, its text's length, how many claims it has, `substrings` of its text
    ((start, length) pairs, 0-based code points), the speaker `speaker_pk` (or None) and the ids of the tags
    named `tag_names` (tags are shared, like speakers).

    Returns (article, speaker, length, claim_count, [substring, ...], {tag name: id} of the tags that exist).
    The rules are get_article_for_user's and
    get_speaker_for_user's (any logged-in user reads both); an unknown article is a 404, an unknown speaker is
    None (the caller names the field that was wrong).
    The SQL is written out (and kept per database) because creating claims is the desk's hottest write: built
    through the ORM, this one query cost more CPU than the rest of the request.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    connection = connections[router.db_for_write(Article)]
    key = (connection.vendor, len(substrings), len(tag_names))
    if key not in _CLAIM_TARGET_SQL:
        _CLAIM_TARGET_SQL[key] = _claim_target_sql(connection, len(substrings), len(tag_names))
    params = [value for start, length in substrings for value in (start + 1, length)]
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_TARGET_SQL[key], [*params, *tag_names, speaker_pk, article_pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such article.")
    title, source_id, source_name, length, claim_count, *rest = row
    texts_at = len(SPEAKER_COLUMNS)
    tags_at = texts_at + len(substrings)
    speaker_row, texts, tag_ids = rest[:texts_at], rest[texts_at:tags_at], rest[tags_at:]
    article = Article.from_db(connection.alias, ["id", "title", "source_id"], [article_pk, title, source_id])
    if source_id is not None:
        article.source = Source.from_db(connection.alias, ["id", "name"], [source_id, source_name])
    speaker = Speaker.from_db(connection.alias, SPEAKER_COLUMNS, speaker_row) if speaker_row[0] is not None else None
    tags = {name: pk for name, pk in zip(tag_names, tag_ids, strict=True) if pk is not None}
    return article, speaker, length, claim_count, texts, tags


_CLAIM_TARGET_SQL: dict[tuple[str, int, int], str] = {}


def get_claim_for_user(user, pk, *, write: bool = False, include_deleted: bool = False) -> Claim:
    """A claim the user may read, or (write=True) change; deleted claims only when asked for (undo)."""
    if not user.is_authenticated:
        raise PermissionDenied
    claims = Claim.objects.select_related("article", "article__source", "speaker", "created_by")
    if not include_deleted:
        claims = claims.live()
    claim = _one(claims, pk, "No such claim.")
    if write and not can_change_claim(user, claim):
        raise PermissionDenied("You can change only your own claims.")
    return claim


def get_link_for_user(user, pk, *, write: bool = False) -> ClaimLink:
    if not user.is_authenticated:
        raise PermissionDenied
    links = ClaimLink.objects.select_related("from_claim", "to_claim").filter(
        from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True
    )
    link = _one(links, pk, "No such link.")
    if write and not can_change_link(user, link):
        raise PermissionDenied("You can remove only your own links.")
    return link


def get_speaker_for_user(user, pk, *, write: bool = False, delete: bool = False) -> Speaker:
    """Speakers are shared: everyone logged in reads them; changing or deleting one needs the role's permission."""
    if not user.is_authenticated:
        raise PermissionDenied
    speaker = _one(Speaker.objects, pk, "No such speaker.")
    if write and not user.has_perm("articles.change_speaker"):
        raise PermissionDenied("Your role may not change speakers.")
    if delete and not user.has_perm("articles.delete_speaker"):
        raise PermissionDenied("Only editors may delete speakers.")
    return speaker


def get_verdict_for_user(user, pk) -> Verdict:
    """A verdict in any state, for the desk (login required). Who may change it is the workflow's rule
    (workflow.can_edit and each transition), checked by the workflow functions themselves."""
    if not user.is_authenticated:
        raise PermissionDenied
    verdicts = Verdict.objects.select_related(
        "claim__article__source", "claim__speaker", "author", "editor", "assigned_to", "corrects"
    ).filter(claim__deleted_at__isnull=True)
    return _one(verdicts, pk, "No such verdict.")


def get_published_verdict(pk) -> Verdict:
    """A verdict anyone, logged in or not, may read: published or superseded by a correction."""
    verdicts = Verdict.objects.public().select_related("claim__article__source", "claim__speaker")
    return _one(verdicts, pk, "No such published verdict.")


def get_token_for_user(user, pk) -> ApiToken:
    """A user sees and revokes only their own API tokens (superusers manage others' in admin); another's is a 404."""
    if not user.is_authenticated:
        raise PermissionDenied
    return _one(ApiToken.objects.filter(user=user), pk, "No such token.")


def can_see_all_jobs(user) -> bool:
    """Editors (and superusers) watch every job; others only their own."""
    return user.is_authenticated and (user.is_superuser or user.has_perm("articles.change_article"))


def get_job_for_user(user, pk) -> Job:
    """A background job its starter, an editor or a superuser may watch; anyone else gets a 404."""
    if not user.is_authenticated:
        raise PermissionDenied
    jobs = Job.objects.select_related("created_by")
    if not can_see_all_jobs(user):
        jobs = jobs.filter(created_by=user)
    return _one(jobs, pk, "No such job.")


def get_sentence_suggestion_for_user(user, pk, *, write: bool = False) -> SentenceSuggestion:
    """A check-worthy sentence suggestion: every logged-in user reads them; dismissing one (write=True) needs
    the right to add claims, since a dismissal decides about a claim that will not be made."""
    if not user.is_authenticated:
        raise PermissionDenied
    suggestion = _one(SentenceSuggestion.objects, pk, "No such suggestion.")
    if write and not user.has_perm("articles.add_claim"):
        raise PermissionDenied("Your role may not add claims, so it may not dismiss suggested ones.")
    return suggestion


def can_assign(user) -> bool:
    """Editors hand out work (the same permission that lets them edit anyone's claims)."""
    return user.is_authenticated and user.has_perm("articles.change_any_claim")


def assignments_for_user(user):
    """The assignments a user may see: every one for editors, their own (as assignee) for anyone else."""
    if not user.is_authenticated:
        raise PermissionDenied
    assignments = Assignment.objects.select_related("article", "claim", "assignee", "assigned_by").defer(
        "article__body", "article__raw"
    )
    return assignments if can_assign(user) else assignments.filter(assignee=user)


def get_assignment_for_user(user, pk) -> Assignment:
    """An assignment the user may see (assignments_for_user); another person's is a 404 to a non-editor. Who may
    close it is the service's rule (services.finish: the assignee or an editor)."""
    return _one(assignments_for_user(user), pk, "No such assignment.")


def notifications_for_user(user):
    """A person's own notifications, newest first; nobody, not even an editor, reads another's inbox."""
    if not user.is_authenticated:
        raise PermissionDenied
    return Notification.objects.filter(recipient=user).select_related("actor")


def get_notification_for_user(user, pk) -> Notification:
    return _one(notifications_for_user(user), pk, "No such notification.")


def comment_rights(user) -> Callable[[int | None], tuple[bool, bool]]:
    """The one rule for comments. Anyone logged in who may see a claim (or verdict) reads and joins its threads,
    annotators included, and may resolve or reopen them; a comment's author edits it; its author or an editor
    (change_any_claim) deletes it. Returns, for an author id, (may edit, may delete); permissions read once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return lambda author_id: (False, False)
    editor, user_pk = user.has_perm("articles.change_any_claim"), user.pk
    return lambda author_id: (author_id == user_pk, editor or author_id == user_pk)


def get_comment_target_for_user(user, *, claim=None, verdict=None) -> Claim | Verdict:
    """The claim or verdict a user may read and so comment on (exactly one of the two ids)."""
    if (claim is None) == (verdict is None):
        raise Http404("Name a claim or a verdict.")
    return get_claim_for_user(user, claim) if claim is not None else get_verdict_for_user(user, verdict)


def get_comment_for_user(
    user, pk, *, edit: bool = False, delete: bool = False, include_deleted: bool = False
) -> Comment:
    """A comment on a claim or verdict the user may see (deleted comments only when asked for: a thread's
    deleted root still resolves); `edit`/`delete` check comment_rights."""
    if not user.is_authenticated:
        raise PermissionDenied
    comments = Comment.objects.select_related("author", "parent", "claim", "verdict").filter(
        Q(claim__isnull=False, claim__deleted_at__isnull=True)
        | Q(verdict__isnull=False, verdict__claim__deleted_at__isnull=True)
    )
    if not include_deleted:
        comments = comments.filter(deleted_at__isnull=True)
    comment = _one(comments, pk, "No such comment.")
    may_edit, may_delete = comment_rights(user)(comment.author_id)
    if edit and not may_edit:
        raise PermissionDenied("You can edit only your own comments.")
    if delete and not may_delete:
        raise PermissionDenied("You can delete only your own comments; editors can delete any.")
    return comment


def get_related_suggestion_for_user(user, pk, *, write: bool = False) -> RelatedSuggestion:
    """A related-claims suggestion between two live claims; deciding it (write) needs the right to link claims,
    since accepting one makes a link."""
    if not user.is_authenticated:
        raise PermissionDenied
    suggestions = RelatedSuggestion.objects.select_related("from_claim", "to_claim").filter(
        from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True
    )
    suggestion = _one(suggestions, pk, "No such suggestion.")
    if write and not user.has_perm("articles.add_claimlink"):
        raise PermissionDenied("You may not link claims, so you may not decide suggestions.")
    return suggestion
