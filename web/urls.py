from django.urls import path

from web.views import access_log, account, case_edit, documents, lawyer, public, security

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("dashboard/", lawyer.dashboard, name="dashboard"),
    path("cases/", lawyer.case_list, name="case_list"),
    path("cases/<slug:slug>/", lawyer.case_detail, name="case_detail"),
    path("cases/<slug:slug>/edit/", case_edit.case_edit, name="case_edit"),
    path("cases/<slug:slug>/parties/new/", case_edit.party_add, name="party_add"),
    path("cases/<slug:slug>/parties/<int:pk>/edit/", case_edit.party_edit, name="party_edit"),
    path("cases/<slug:slug>/facts/new/", case_edit.event_add, name="event_add"),
    path("cases/<slug:slug>/facts/<int:pk>/edit/", case_edit.event_edit, name="event_edit"),
    path("cases/<slug:slug>/hearings/new/", lawyer.hearing_create, name="hearing_create"),
    path("cases/<slug:slug>/hearings/<int:pk>/edit/", lawyer.hearing_edit, name="hearing_edit"),
    path("cases/<slug:slug>/hearings/<int:pk>/reschedule/", lawyer.hearing_reschedule, name="hearing_reschedule"),
    path("cases/<slug:slug>/hearings/<int:pk>/postpone/", lawyer.hearing_postpone, name="hearing_postpone"),
    path("cases/<slug:slug>/hearings/<int:pk>/cancel/", lawyer.hearing_cancel, name="hearing_cancel"),
    path("cases/<slug:slug>/hearings/<int:pk>/outcome/", lawyer.hearing_outcome, name="hearing_outcome"),
    path("cases/<slug:slug>/rulings/new/", lawyer.ruling_create, name="ruling_create"),
    path("cases/<slug:slug>/rulings/<int:ruling_pk>/appeal/", lawyer.appeal_create, name="appeal_create"),
    path("cases/<slug:slug>/deadlines/<int:pk>/override/", lawyer.deadline_override, name="deadline_override"),
    path("cases/<slug:slug>/deadlines/<int:pk>/close/", lawyer.deadline_close, name="deadline_close"),
    path("cases/<slug:slug>/documents/new/", documents.document_upload, name="document_upload"),
    path("cases/<slug:slug>/dossiers/", documents.dossier_generate, name="dossier_generate"),
    path("cases/<slug:slug>/dossiers/<int:pk>/", documents.dossier_progress, name="dossier_progress"),
    path("public/", public.public_case_list, name="public_case_list"),
    path("public/<slug:slug>/", public.public_case, name="public_case"),
    path("public/<slug:slug>/hearings/<int:pk>.ics", public.public_hearing_ics, name="public_hearing_ics"),
    path("preferences/", account.preferences, name="preferences"),
    path("account/api-tokens/", security.api_tokens, name="api_tokens"),
    path("account/api-tokens/new/", security.api_token_new, name="api_token_new"),
    path("account/api-tokens/<int:pk>/revoke/", security.api_token_revoke_view, name="api_token_revoke"),
    path("organizations/<slug:slug>/security/", security.organization_security, name="organization_security"),
    path("access-log/", access_log.access_log, name="access_log"),
]
