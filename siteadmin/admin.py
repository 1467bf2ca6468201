"""The admin pages whose saves are actions (cases and deadlines: siteadmin/cases.py,
siteadmin/deadlines.py) and those that show more than one app, composed here, above the apps: a
case's page offers the dossier (documents), a ruling's page lists its deadlines (deadlines). The
other apps' admin.py register the pages that are their own alone."""

from __future__ import annotations

from django.contrib import admin

from cases.models import Case, Ruling
from deadlines.inlines import DeadlineInline
from documents.admin import generate_dossier
from siteadmin import cases as cases_admin
from siteadmin import deadlines as deadlines_admin  # noqa: F401 (registers the deadline pages)


@admin.register(Case)
class CaseAdmin(cases_admin.CaseAdmin):
    actions = [generate_dossier]


@admin.register(Ruling)
class RulingAdmin(cases_admin.RulingAdmin):
    inlines = [DeadlineInline]
