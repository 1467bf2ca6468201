"""Every write to case records goes through here: admin, API, pages, commands and tasks call
these functions (or, for a write with consequences in other apps, `actions`, which calls them) and
nothing else writes these models. One module per topic; this package names them all.

Each service is keyword-only, atomic, validates (single-row rules through the model's
constraints via `full_clean`, cross-row rules here), writes, raises `version`, records who did
it in the history and the change log, and returns the model. Bad input raises `ValidationError`
with a message per field; a write based on an outdated copy raises `VersionConflict`.
"""

from cases.services.appeals import (
    APPEAL_FIELDS,
    appeal_decide,
    appeal_delete,
    appeal_file,
    appeal_update,
)
from cases.services.cases import (
    CASE_FIELDS,
    case_create,
    case_delete,
    case_slug_hide_names,
    case_update,
    docket_remove,
    docket_set,
)
from cases.services.courts import (
    COURT_FIELDS,
    court_create,
    court_delete,
    court_update,
)
from cases.services.events import (
    CASE_EVENT_FIELDS,
    case_event_add,
    case_event_delete,
    case_event_update,
)
from cases.services.hearings import (
    HEARING_FIELDS,
    hearing_cancel,
    hearing_delete,
    hearing_postpone,
    hearing_record_outcome,
    hearing_reschedule,
    hearing_schedule,
    hearing_update,
)
from cases.services.organizations import (
    ORGANIZATION_FIELDS,
    membership_remove,
    membership_set,
    organization_create,
    organization_delete,
    organization_update,
)
from cases.services.parties import (
    PARTY_FIELDS,
    party_add,
    party_delete,
    party_update,
)
from cases.services.records import (
    RECORD_NAMES,
    RECORD_NAMES_PLURAL,
    Actor,
    VersionConflict,
    actor_user,
    editable_with_translations,
    record_assign,
    record_delete,
    record_lock,
    record_name,
    record_name_plural,
    record_save,
    record_update,
    version_check,
    with_translations,
)
from cases.services.rulings import (
    RULING_FIELDS,
    ruling_delete,
    ruling_record,
    ruling_update,
)

__all__ = [
    "APPEAL_FIELDS",
    "Actor",
    "CASE_EVENT_FIELDS",
    "CASE_FIELDS",
    "COURT_FIELDS",
    "HEARING_FIELDS",
    "ORGANIZATION_FIELDS",
    "PARTY_FIELDS",
    "RECORD_NAMES",
    "RECORD_NAMES_PLURAL",
    "RULING_FIELDS",
    "VersionConflict",
    "actor_user",
    "appeal_decide",
    "appeal_delete",
    "appeal_file",
    "appeal_update",
    "case_create",
    "case_delete",
    "case_event_add",
    "case_event_delete",
    "case_event_update",
    "case_slug_hide_names",
    "case_update",
    "court_create",
    "court_delete",
    "court_update",
    "docket_remove",
    "docket_set",
    "editable_with_translations",
    "hearing_cancel",
    "hearing_delete",
    "hearing_postpone",
    "hearing_record_outcome",
    "hearing_reschedule",
    "hearing_schedule",
    "hearing_update",
    "membership_remove",
    "membership_set",
    "organization_create",
    "organization_delete",
    "organization_update",
    "party_add",
    "party_delete",
    "party_update",
    "record_assign",
    "record_delete",
    "record_lock",
    "record_name",
    "record_name_plural",
    "record_save",
    "record_update",
    "ruling_delete",
    "ruling_record",
    "ruling_update",
    "version_check",
    "with_translations",
]
