"""Documents and dossiers on the lawyers' case page: upload (lawyers and owners), the PDF
dossier asked for by any member, its progress, then the download. The writes go through
`documents.services`; who may see what is `documents.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case
from documents import selectors, services
from web.forms import DocumentForm, DossierForm, apply_service_errors
from web.views.common import member_case

# How often the progress of a dossier being rendered is asked for again (HTMX or meta refresh).
POLL_SECONDS = 2


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).first(), write=True)
    form = DocumentForm(request.POST or None, request.FILES or None, auto_id=DocumentForm.AUTO_ID)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = services.document_add(
                case=case,
                file=upload,
                filename=upload.name,
                content_type=upload.content_type or "",
                actor=request.user,
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Document “%(title)s” added.") % {"title": document.title})
            return redirect(reverse("web:case_detail", args=[case.slug]) + f"#document-{document.pk}")
    status = 400 if form.is_bound else 200
    return render(request, "documents/document_form.html", {"case": case, "form": form}, status=status)


@login_required
@require_POST
def dossier_generate(request: HttpRequest, slug: str) -> HttpResponse:
    case = member_case(request, Case.objects.filter(slug=slug).first())
    form = DossierForm(request.POST, auto_id=DossierForm.AUTO_ID)
    if not form.is_valid():
        return render(request, "documents/dossier_form.html", {"case": case, "form": form}, status=400)
    edition, language = form.cleaned_data["edition"], form.cleaned_data["language"]
    if not selectors.dossier_edition_allowed(user=request.user, case=case, edition=edition):  # type: ignore[arg-type]
        raise PermissionDenied(_("You may not have this edition of the dossier."))
    dossier, _created = services.dossier_request(case=case, edition=edition, language=language, actor=request.user)
    return redirect("web:dossier_progress", slug=case.slug, pk=dossier.pk)


@login_required
@require_GET
def dossier_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The dossier's state: a page of its own (refreshing itself without JavaScript until the
    render ends), or just the progress block when HTMX polls for it."""
    case = member_case(request, Case.objects.filter(slug=slug).first())
    dossier = (
        selectors.dossiers_for_member(user=request.user)  # type: ignore[arg-type]
        .select_related("document")
        .filter(case=case, pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404(_("No such dossier."))
    context = {"case": case, "dossier": dossier, "poll_seconds": POLL_SECONDS}
    if request.headers.get("HX-Request"):
        return render(request, "documents/_dossier_status.html", context)
    return render(request, "documents/dossier_progress.html", context)
