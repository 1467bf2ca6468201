"""Two organizations side by side, each with a private case and one record of every kind, their
private texts carrying a marker ("QZXAQZX", "QZXBQZX": long enough that no random token holds one) that must never reach the other organization.
Used by the admin scoping tests and the route matrix (tests/tracker/test_route_matrix.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.utils import timezone

from accesslog.models import AccessRecord
from actions import appeals as appeal_actions
from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from actions import rulings as ruling_actions
from apitokens.models import ApiToken
from cases import services
from cases.models import Appeal, Case, CaseEvent, Court, Docket, Hearing, Membership, Organization, Party, Ruling
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.proposals import hearing_values
from deadlines.models import Deadline
from documents import services as document_services
from documents.models import Document, Dossier
from reminders.models import DeadlineReminder, MemberReminderSettings, Notice, Reminder, Subscription
from webhooks.models import Endpoint

ROLES = ("owner", "lawyer", "viewer")


@dataclass
class Side:
    """One organization's people and records; `marker` is in every private text of them."""

    key: str
    marker: str
    organization: Organization
    users: dict[str, User]
    case: Case
    party: Party
    hearing: Hearing
    ruling: Ruling
    appeal: Appeal
    event: CaseEvent
    docket: Docket
    document: Document
    deadline: Deadline
    dossier: Dossier
    subscription: Subscription
    reminder: Reminder
    notice: Notice
    deadline_reminder: DeadlineReminder
    endpoint: Endpoint
    api_token: ApiToken
    member_settings: MemberReminderSettings
    membership: Membership
    public_case: Case
    public_hearing: Hearing
    court_watch: CourtWatch
    court_update: CourtUpdate
    objects: dict[type, Any] = field(default_factory=dict)

    def object_of(self, model: type) -> Any:
        return self.objects.get(model)


def staff_groups() -> tuple[Group, Group]:
    """The demo's groups (demo/data.py): lawyers get every case, deadline and document
    permission (owners too: the role in the organization decides), viewers the view ones; both
    also the reminder, webhook and token ones, to show that the organization, not the model
    permission, limits what they see."""
    perms = Permission.objects.filter(
        content_type__app_label__in=["cases", "deadlines", "documents", "reminders", "webhooks", "apitokens", "auth"]
    )
    lawyers, _ = Group.objects.get_or_create(name="scoping lawyers")
    viewers, _ = Group.objects.get_or_create(name="scoping viewers")
    lawyers.permissions.set(perms)
    viewers.permissions.set(perms.filter(codename__startswith="view_"))
    return lawyers, viewers


def build_side(key: str, *, court: Court, appeal_court: Court) -> Side:
    marker = f"QZX{key}QZX"
    lawyers, viewers = staff_groups()
    # The organization's name is not secret (its public cases show it): no marker.
    organization = services.organization_create(name=f"Rights Group {key}", slug=f"rights-group-{key.lower()}")
    users = {}
    for role in ROLES:
        user = User.objects.create_user(
            username=f"{marker.lower()}-{role}",
            email=f"{marker.lower()}-{role}@example.org",
            password="x",
            is_staff=True,
        )
        user.groups.add(viewers if role == "viewer" else lawyers)
        organization_actions.membership_set(organization=organization, user=user, role=role)
        users[role] = user
    owner = users["owner"]
    case = services.case_create(
        actor=owner,
        organization=organization,
        title=f"{marker} private case title",
        slug=f"private-case-{key.lower()}",
        summary=f"{marker} summary",
        notes=f"{marker} case notes",
        status=Case.Status.FILED,
        filed_on=dt.date(2019, 10, 2),
        is_public=False,
    )
    party = services.party_add(
        actor=owner,
        case=case,
        role=Party.Role.PLAINTIFF,
        name=f"{marker} plaintiff name",
        alias="Applicant P.",
        contact_email=f"{marker.lower()}-plaintiff@example.net",
        contact_phone="+7 900 000 00 00",
        notes=f"{marker} party notes",
    )
    hearing = hearing_actions.hearing_schedule(
        actor=owner,
        case=case,
        court=court,
        starts_at=timezone.now() + dt.timedelta(days=30),
        courtroom=f"{marker} room",
        outcome_notes=f"{marker} hearing notes",
    )
    ruling = ruling_actions.ruling_record(
        actor=owner,
        case=case,
        court=court,
        decided_on=timezone.localdate() - dt.timedelta(days=3),
        final_form_on=timezone.localdate() - dt.timedelta(days=2),
        outcome=Ruling.Outcome.DISMISSED,
        summary=f"{marker} ruling summary",
    )
    appeal = appeal_actions.appeal_file(
        actor=owner,
        case=case,
        ruling=ruling,
        court=appeal_court,
        filed_on=timezone.localdate(),
        grounds=f"{marker} appeal grounds",
        reference=f"{marker}-REF",
    )
    event = services.case_event_add(
        actor=owner, case=case, occurred_on=dt.date(2019, 9, 1), title=f"{marker} private fact", is_public=False
    )
    docket = services.docket_set(actor=owner, case=case, court=court, number=f"{marker}-2-1234/2019")
    # The docket's card watched (its address and state are the organization's), with a move proposed.
    court_watch = CourtWatch.objects.create(
        docket=docket,
        url=f"https://{marker.lower()}.sudrf.ru/modules.php?name=sud_delo&case_id=1",
        next_check_at=timezone.now(),
        last_problem=CourtWatch.Problem.HTTP,
        last_problem_detail=f"{marker} HTTP 503",
    )
    court_update = CourtUpdate.objects.create(
        watch=court_watch,
        case=case,
        hearing=hearing,
        kind=CourtUpdate.Kind.MOVED,
        event_key=marker,
        proposed={
            **hearing_values(hearing),
            "starts_at": (hearing.starts_at + dt.timedelta(days=7)).isoformat(),
            "event": f"{marker} hearing",
            "status": Hearing.Status.SCHEDULED,
            "outcome": "",
            "reason": f"{marker} postponed",
            "kind": hearing.kind,
            "judge": "",
        },
        previous=hearing_values(hearing),
    )
    document = document_services.document_add(
        actor=owner,
        case=case,
        title=f"{marker} document title",
        notes=f"{marker} document notes",
        file=ContentFile(b"%PDF-1.4 private\n"),
        filename=f"{marker.lower()}-statement.pdf",
    )
    deadline = Deadline.objects.filter(case=case).order_by("pk").first()
    assert deadline is not None, "the ruling computes at least one deadline"
    dossier = Dossier.objects.create(case=case, edition=Dossier.Edition.INTERNAL, language="en", requested_by=owner)
    subscription = Subscription.objects.create(
        case=case,
        user=users["lawyer"],
        email=f"{marker.lower()}-subscriber@example.net",
        language="en",
        time_zone=ZoneInfo("Europe/Berlin"),
        confirmed_at=timezone.now(),
    )
    reminder = Reminder.objects.create(
        subscription=subscription,
        hearing=hearing,
        offset_minutes=60,
        due_at=hearing.starts_at,
        hearing_starts_at=hearing.starts_at,
    )
    notice = Notice.objects.create(
        subscription=subscription, kind=Notice.Kind.RULING, ruling=ruling, due_at=timezone.now()
    )
    deadline_reminder = DeadlineReminder.objects.filter(deadline__case=case).first() or DeadlineReminder.objects.create(
        deadline=deadline, user=users["lawyer"], offset_days=0, due_on=timezone.localdate(), due_at=timezone.now()
    )
    endpoint = Endpoint.objects.create(
        organization=organization, owner=owner, url=f"https://{marker.lower()}-hooks.example.net/in", types=["case"]
    )
    api_token = ApiToken.objects.create(
        user=owner, name=f"{marker} token", prefix=f"{marker.lower()}pref", digest=marker * 8
    )
    member_settings = MemberReminderSettings.objects.create(user=owner, language="en")
    membership = Membership.objects.get(organization=organization, user=owner)
    # A public case whose private parts carry the marker: public pages must leave them out.
    public_case = services.case_create(
        actor=owner,
        organization=organization,
        title=f"Public case of {key}",
        slug=f"public-case-of-{key.lower()}",
        notes=f"{marker} public case's private notes",
        is_public=True,
    )
    services.party_add(
        actor=owner,
        case=public_case,
        role=Party.Role.PLAINTIFF,
        name=f"Public plaintiff of {key}",
        consent_to_publish=True,
        contact_email=f"{marker.lower()}-public-plaintiff@example.net",
        notes=f"{marker} public party's private notes",
    )
    services.case_event_add(
        actor=owner,
        case=public_case,
        occurred_on=dt.date(2019, 9, 2),
        title=f"{marker} unpublished fact",
        is_public=False,
    )
    public_hearing = hearing_actions.hearing_schedule(
        actor=owner, case=public_case, court=court, starts_at=timezone.now() + dt.timedelta(days=40)
    )
    side = Side(
        key=key,
        marker=marker,
        organization=organization,
        users=users,
        case=case,
        party=party,
        hearing=hearing,
        ruling=ruling,
        appeal=appeal,
        event=event,
        docket=docket,
        document=document,
        deadline=deadline,
        dossier=dossier,
        subscription=subscription,
        reminder=reminder,
        notice=notice,
        deadline_reminder=deadline_reminder,
        endpoint=endpoint,
        api_token=api_token,
        member_settings=member_settings,
        membership=membership,
        public_case=public_case,
        public_hearing=public_hearing,
        court_watch=court_watch,
        court_update=court_update,
    )
    side.objects = {
        Organization: organization,
        Case: case,
        Party: party,
        Hearing: hearing,
        Ruling: ruling,
        Appeal: appeal,
        CaseEvent: event,
        Docket: docket,
        Document: document,
        Deadline: deadline,
        Dossier: dossier,
        Subscription: subscription,
        Reminder: reminder,
        Notice: notice,
        DeadlineReminder: deadline_reminder,
        Endpoint: endpoint,
        ApiToken: api_token,
        MemberReminderSettings: member_settings,
        Membership: membership,
        User: owner,
        # Who read what: for the organization's owners (its page and API), superusers in the admin.
        AccessRecord: AccessRecord.objects.create(
            user=owner,
            username=owner.username,
            organization=organization,
            case=case,
            kind=AccessRecord.Kind.CASE,
            channel=AccessRecord.Channel.WEB,
            object_id=case.pk,
        ),
    }
    return side


def _court(name: str, level: str) -> Court:
    return Court.objects.create(
        name=name, jurisdiction="ru", level=level, city="Moscow", time_zone=ZoneInfo("Europe/Moscow")
    )


def build_world() -> tuple[Side, Side]:
    appeal_court = _court("Shared city court", Court.Level.APPEAL)
    court = _court("Shared district court", Court.Level.FIRST_INSTANCE)
    court.appeals_to = appeal_court
    court.save()
    return build_side("A", court=court, appeal_court=appeal_court), build_side(
        "B", court=court, appeal_court=appeal_court
    )
