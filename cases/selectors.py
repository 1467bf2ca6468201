"""Reads of the litigation domain, with the visibility rules in one place:
anyone sees public cases; members see their organization's private cases; lawyers and owners
write; private contact details stay inside the organization."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import BooleanField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.content import content_languages
from cases.models import Appeal, Case, Docket, Hearing, Membership, Organization, Party, Ruling, Tag


@dataclass(frozen=True)
class OrganizationReader:
    """An organization as the reader, not any one of its people: its own records, private ones
    and private fields included, and other organizations' public records as anyone sees them.
    A webhook endpoint reads as its organization (webhooks/delivery.py), so what it sends never
    depends on its creator's other memberships or on their being a superuser. Selectors that do
    not know it treat it as an anonymous reader (public records only): it fails closed."""

    organization_id: int


User = UserModel | AnonymousUser | OrganizationReader | None


def _is_member_query(user: User, *, writers_only: bool = False) -> Q | None:
    if isinstance(user, OrganizationReader):
        return None if writers_only else Q(organization_id=user.organization_id)
    if not isinstance(user, UserModel):
        return None
    if user.is_superuser:
        return Q()
    memberships = Membership.objects.filter(user=user)
    if writers_only:
        memberships = memberships.filter(role__in=[Membership.Role.OWNER, Membership.Role.LAWYER])
    return Q(organization__in=memberships.values("organization"))


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    member = _is_member_query(user)
    if member is not None and not member:
        # A superuser's empty Q(): `Q(is_public=True) | Q()` is just `Q(is_public=True)` in
        # Django, which would hide private cases from superusers.
        return Case.objects.all()
    condition = Q(is_public=True) if member is None else Q(is_public=True) | member
    return Case.objects.filter(condition)


def case_visibility_sql(*, organizations: Collection[int] | None) -> tuple[str, list[Any]]:
    """cases_visible_to's rule as an SQL condition on a "cases_case" row, when the reader's
    organizations are already known: public cases, and those of `organizations`; None stands for
    a superuser (every case). For hot read paths that write their own statement;
    tests/api/test_case_page.py checks it selects what cases_visible_to does."""
    if organizations is None:
        return "TRUE", []
    if not organizations:
        return '"cases_case"."is_public"', []
    return '("cases_case"."is_public" OR "cases_case"."organization_id" = ANY(%s::bigint[]))', [
        bigint_array(organizations)
    ]


def bigint_array(values: Collection[int]) -> str:
    """A PostgreSQL array literal of integers ('{3,7}'), to pass as a parameter cast with
    `%s::bigint[]`: psycopg sends a text parameter as it is, where a Python list goes through its
    array adapter, a measurable part of a list page's query (bench/RESULTS.md). Every value goes
    through int(), so nothing but digits and signs reaches the literal."""
    return "{" + ",".join(str(int(value)) for value in sorted(values)) + "}"


def visible_through_case(*, user: User, table: str) -> Q | RawSQL:
    """The condition `case__in=cases_visible_to(user=user)` on records of a case (`table`, the
    records' table), as a scalar subquery on the record's own case: PostgreSQL looks each
    record's case up by its key, where `case__in` first collects every visible case (a scan of
    all cases per query, most of a feed page's time: bench/RESULTS.md). Same rule as
    cases_visible_to: public, or of one of the user's organizations."""
    member = _is_member_query(user)
    if member is not None and not member:
        return Q()  # a superuser sees everything
    case = f'(SELECT {{}} FROM cases_case c WHERE c.id = "{table}"."case_id")'  # noqa: S608 (a table name)
    if member is None:
        return RawSQL(case.format("c.is_public"), [], BooleanField())  # noqa: S611 (no values in the text)
    if isinstance(user, OrganizationReader):
        rule = "c.is_public OR c.organization_id = %s"
        return RawSQL(case.format(rule), [user.organization_id], BooleanField())  # noqa: S611
    rule = "c.is_public OR c.organization_id IN (SELECT m.organization_id FROM cases_membership m WHERE m.user_id = %s)"
    return RawSQL(case.format(rule), [user.pk], BooleanField())  # type: ignore[union-attr]  # noqa: S611


def cases_with_tag_names(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with `tag_names` (sorted): on PostgreSQL an ARRAY(subquery) in the same query
    (one query less per page than a prefetch, and no second round trip); elsewhere a prefetch,
    which `tag_names_of` reads."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        names = Tag.objects.filter(cases=OuterRef("pk")).order_by("name").values("name")
        return cases.annotate(tag_names=ArraySubquery(names))
    return cases.prefetch_related("tags")


def tag_names_of(case: Case) -> list[str]:
    names = getattr(case, "tag_names", None)
    return list(names) if names is not None else [tag.name for tag in case.tags.all()]


def cases_of_member(*, user: User) -> QuerySet[Case]:
    """The cases of the user's organizations (all cases for a superuser): a lawyer's workspace."""
    member = _is_member_query(user)
    return Case.objects.none() if member is None else Case.objects.filter(member)


def case_user_is_member(*, user: User, case: Case) -> bool:
    """Members (and superusers) see private notes and contact details; others never do."""
    member = _is_member_query(user)
    return member is not None and Case.objects.filter(member, pk=case.pk).exists()


def case_user_can_write(*, user: User, case: Case) -> bool:
    member = _is_member_query(user, writers_only=True)
    return member is not None and Case.objects.filter(member, pk=case.pk).exists()


def hearings_upcoming(
    *, user: User, now: dt.datetime | None = None, case: Case | None = None, until: dt.datetime | None = None
) -> QuerySet[Hearing]:
    """Scheduled and postponed hearings from now on, nearest first, in cases the user sees."""
    now = now or timezone.now()
    hearings = Hearing.objects.filter(
        case__in=cases_visible_to(user=user),
        starts_at__gte=now,
        status__in=[Hearing.Status.SCHEDULED, Hearing.Status.POSTPONED],
    ).select_related("case", "court")
    if case is not None:
        hearings = hearings.filter(case=case)
    if until is not None:
        hearings = hearings.filter(starts_at__lt=until)
    return hearings.order_by("starts_at")


@dataclass
class Instance:
    """One step of a case's path through the courts: a ruling and the appeals against it."""

    ruling: Ruling
    appeals: list[Appeal] = field(default_factory=list)


def case_instance_chain(*, case: Case) -> list[Instance]:
    """The rulings of a case in order, each with the appeals that challenge it (and, through
    `appeal.decided_by`, the ruling that decided each): the chain walked both ways."""
    rulings = (
        Ruling.objects.filter(case=case)
        .select_related("court")
        .prefetch_related(
            Prefetch("appeals", queryset=Appeal.objects.select_related("court", "decided_by", "appellant"))
        )
        .order_by("decided_on", "id")
    )
    return [Instance(ruling=ruling, appeals=list(ruling.appeals.all())) for ruling in rulings]


# --- Search ---------------------------------------------------------------------------------

# Each language's columns are read with that language's PostgreSQL text search configuration
# (Snowball stemmers: "Попову" and "Попова" are both "попов"). A language without a
# configuration of its own here is read with 'simple' (lower case, no stemming).
SEARCH_CONFIGS = {"en": "english", "ru": "russian", "fr": "french", "de": "german"}
# The case's own words that search reads (cases_matching); parties are searched apart.
CASE_SEARCH_FIELDS = ("title", "summary", "legal_basis")

# English derivations the Snowball stemmer leaves apart ("recognised" -> recognis,
# "recognition" -> recognit, "recognize" -> recogn): a word ending in one of these also
# matches its root as a prefix, so either form finds the other.
_ENGLISH_DERIVATIONS = re.compile(
    r"(isations?|izations?|itions?|ations?|ising|izing|ised|ized|ises|izes|ise|ize)$", re.IGNORECASE
)


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def search_words(text: str) -> list[str]:
    """The words of a search, at most 10 (letters, digits and hyphens; the rest separates them)."""
    return re.findall(r"[\w-]+", text)[:10]


def search_vector(fields: tuple[str, ...], language: str) -> SearchVector:
    """The tsvector of ``fields`` in ``language``'s columns: the very expression the GIN indexes
    of cases/migrations/0005_search_indexes.py are built on (PostgreSQL uses an expression index
    only for the same expression)."""
    return SearchVector(*(f"{name}_{language}" for name in fields), config=search_config(language))


def _word_query(word: str, language: str) -> SearchQuery:
    config = search_config(language)
    query = SearchQuery(word, config=config, search_type="plain")
    if language == "en":
        root = _ENGLISH_DERIVATIONS.sub("", word)
        if root != word and len(root) >= 4 and root.isalpha():
            query |= SearchQuery(f"{root}:*", config=config, search_type="raw")
    return query


def rows_matching(model: type[Any], word: str, *, fields: tuple[str, ...]) -> QuerySet[Any]:
    """``model``'s rows where ``word`` is in one of ``fields`` in some language.

    PostgreSQL: full-text search with each language's stemming, on the expressions the GIN
    indexes are built on. SQLite (a first `make run`): a case-insensitive substring match in
    every language's column.
    """
    languages = content_languages()
    either = Q()
    if connection.vendor == "postgresql":
        rows = model._default_manager.alias(**{f"search_{code}": search_vector(fields, code) for code in languages})
        for code in languages:
            either |= Q(**{f"search_{code}": _word_query(word, code)})
        return rows.filter(either)
    for code in languages:
        for name in fields:
            either |= Q(**{f"{name}_{code}__icontains": word})
    return model._default_manager.filter(either)


def word_matches(model: type[Any], word: str, *, fields: tuple[str, ...]) -> Q:
    """A condition on ``model``'s rows: ``word`` is in one of ``fields`` in some language. As
    ``pk IN (subquery)``, so that the subquery reads the indexes (an OR with other conditions
    would make PostgreSQL scan the table)."""
    return Q(pk__in=rows_matching(model, word, fields=fields).values("pk"))


def text_search(
    queryset: QuerySet[Any],
    text: str,
    *,
    fields: tuple[str, ...],
    extra: Callable[[str], Q] | None = None,
    unless: Callable[[str], Q] | None = None,
) -> QuerySet[Any]:
    """Rows of ``queryset`` where every word of ``text`` is in one of ``fields`` in some language
    (or matches ``extra(word)``, e.g. a party's name or a docket number). A row where
    ``unless(word)`` holds does not match the word through ``fields`` (a hidden party's name)."""
    condition = Q()
    for word in search_words(text):
        either = word_matches(queryset.model, word, fields=fields)
        if unless is not None:
            either &= ~unless(word)
        if extra is not None:
            either |= extra(word)
        condition &= either
    return queryset.filter(condition) if condition else queryset


def cases_matching(
    cases: QuerySet[Case],
    text: str,
    *,
    public_names_only: bool,
    dockets: bool = False,
    member_organizations: Any = frozenset(),
) -> QuerySet[Case]:
    """Cases whose title, summary or legal basis, or a party's name, has every word of ``text``,
    in any language. ``public_names_only``: only names the parties agreed to publish, and aliases
    (searching private names would reveal who is a party); and a word that is the name of a party
    without consent does not find the case through its own text either (outsiders read the alias
    there: cases/redaction.py), except in the cases of ``member_organizations`` (a set of ids;
    anything else, e.g. the API's ALL, stands for every organization)."""

    def hidden_name(word: str) -> Q:
        hidden = _cases_naming_hidden_party(word)
        if isinstance(member_organizations, Collection) and member_organizations:
            hidden = hidden.exclude(organization_id__in=list(member_organizations))
        return Q(pk__in=hidden.values("pk"))

    def party_or_docket(word: str) -> Q:
        # Names and aliases apart: each has its own index (a vector of both would have none).
        named = rows_matching(Party, word, fields=("name",))
        if public_names_only:
            named = named.filter(consent_to_publish=True)
        aliased = rows_matching(Party, word, fields=("alias",))
        condition = Q(pk__in=named.values("case_id")) | Q(pk__in=aliased.values("case_id"))
        if dockets:
            condition |= Q(pk__in=Docket.objects.filter(number__icontains=word).values("case_id"))
        return condition

    outsiders = public_names_only and isinstance(member_organizations, Collection)
    return text_search(
        cases, text, fields=CASE_SEARCH_FIELDS, extra=party_or_docket, unless=hidden_name if outsiders else None
    )


def _cases_naming_hidden_party(word: str) -> QuerySet[Case]:
    """Cases with a party without consent whose name ``word`` is. PostgreSQL: the same stemmed
    search as the case's text (so "Петрову" is "Петров"). SQLite: a substring of the name, or one
    of its word forms (cases/redaction.py), read in Python (a first `make run` has few parties).
    Either way the word's dictionary forms are looked up too: the stemmer reads "Петров" as
    "петр" but "Петрову" as "петров"."""
    from cases.redaction import hidden_name, word_lemmas

    hidden = Party.objects.filter(consent_to_publish=False)
    any_form = functools.reduce(
        operator.or_, (word_matches(Party, form, fields=("name",)) for form in sorted(word_lemmas(word)))
    )
    named = hidden.filter(any_form).values("case_id")
    if connection.vendor == "postgresql":
        return Case.objects.filter(pk__in=named)

    case_ids = {case_id for (case_id,) in named.values_list("case_id")}
    case_ids |= {party.case_id for party in hidden if hidden_name(party).spans(word)}
    return Case.objects.filter(pk__in=case_ids)


def two_factor_required_for(*, user: UserModel) -> bool:
    """Whether one of the user's organizations requires a second factor at sign-in."""
    return Organization.objects.filter(memberships__user=user, require_two_factor=True).exists()


def organization_owned_by(*, user: UserModel, slug: str) -> Organization | None:
    """The organization with this slug if the user owns it (superusers own every one)."""
    organizations = Organization.objects.filter(slug=slug)
    if not user.is_superuser:
        organizations = organizations.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)
    return organizations.first()


def organizations_owned_by(*, user: UserModel) -> QuerySet[Organization]:
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)
