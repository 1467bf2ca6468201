from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from cases.models import Case
from cases.redaction import hidden_name_warnings
from cases.selectors import case_user_can_write, case_user_is_member


def member_case(request: HttpRequest, case: Case | None, *, write: bool = False) -> Case:
    """Members read, lawyers and owners write. A case the user is not a member of does not
    exist for them here (404, so a private case's slug does not even confirm it exists); a
    viewer who tries to write is refused (403)."""
    if case is None or not case_user_is_member(user=request.user, case=case):
        raise Http404(_("No such case."))
    if write and not case_user_can_write(user=request.user, case=case):
        raise PermissionDenied(_("You can read this case but not change it. Ask an owner for the lawyer role."))
    return case


def warn_hidden_names(request: HttpRequest, case: Case) -> Case:
    """After a save: the case as it now is (a party's save may have changed its URL, see
    cases.services.case_slug_hide_names), and a warning, not a refusal, for each party without
    consent that the public case's text names: outsiders will read the alias there."""
    case.refresh_from_db(fields=["slug", "is_public"])
    for text in hidden_name_warnings(case=case):
        messages.warning(request, text)
    return case
