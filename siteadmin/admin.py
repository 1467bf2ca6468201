"""The admin pages that show more than one app, composed here, above the apps: a case's page
offers the dossier (documents), a ruling's page lists its deadlines (deadlines). Each app's
admin.py registers the pages that are its own alone."""

from __future__ import annotations

from django.contrib import admin

from cases import admin as cases_admin
from cases.models import Case, Ruling
from deadlines.inlines import DeadlineInline
from documents.admin import generate_dossier


@admin.register(Case)
class CaseAdmin(cases_admin.CaseAdmin):
    actions = [generate_dossier]


@admin.register(Ruling)
class RulingAdmin(cases_admin.RulingAdmin):
    inlines = [DeadlineInline]
