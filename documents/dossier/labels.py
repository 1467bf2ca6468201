"""The model choice labels a dossier shows, marked for translation.

The models keep plain English labels (the cases app is not translated yet); the dossier
translates each by its English text in a context naming the field ("dossier: Appeal.kind"),
because one English word is several Russian ones ("Appeal" the remedy, "Appeal" the hearing).
Regenerate when a choice is added (a missing one shows in English).
"""

from django.utils.translation import pgettext_lazy

CHOICE_LABELS = [
    pgettext_lazy("dossier: Case.status", "Preparing"),
    pgettext_lazy("dossier: Case.status", "Filed"),
    pgettext_lazy("dossier: Case.status", "Pending"),
    pgettext_lazy("dossier: Case.status", "Decided"),
    pgettext_lazy("dossier: Case.status", "Under appeal"),
    pgettext_lazy("dossier: Case.status", "Closed"),
    pgettext_lazy("dossier: Case.outcome", "Won"),
    pgettext_lazy("dossier: Case.outcome", "Partly won"),
    pgettext_lazy("dossier: Case.outcome", "Lost"),
    pgettext_lazy("dossier: Case.outcome", "Settled"),
    pgettext_lazy("dossier: Case.outcome", "Withdrawn"),
    pgettext_lazy("dossier: Case.outcome", "Proceedings terminated"),
    pgettext_lazy("dossier: Case.proceeding", "Civil"),
    pgettext_lazy("dossier: Case.proceeding", "Administrative (public-law claim)"),
    pgettext_lazy("dossier: Case.proceeding", "Administrative offence"),
    pgettext_lazy("dossier: Case.proceeding", "Criminal"),
    pgettext_lazy("dossier: Case.proceeding", "Judicial review"),
    pgettext_lazy("dossier: Case.proceeding", "International application"),
    pgettext_lazy("dossier: Party.role", "Plaintiff / applicant"),
    pgettext_lazy("dossier: Party.role", "Defendant / respondent"),
    pgettext_lazy("dossier: Party.role", "Third party"),
    pgettext_lazy("dossier: Party.role", "Intervener"),
    pgettext_lazy("dossier: Party.role", "Representative"),
    pgettext_lazy("dossier: Hearing.kind", "Preliminary"),
    pgettext_lazy("dossier: Hearing.kind", "Merits"),
    pgettext_lazy("dossier: Hearing.kind", "Appeal"),
    pgettext_lazy("dossier: Hearing.kind", "Cassation"),
    pgettext_lazy("dossier: Hearing.kind", "Announcement of the decision"),
    pgettext_lazy("dossier: Hearing.kind", "Case management"),
    pgettext_lazy("dossier: Hearing.kind", "Other"),
    pgettext_lazy("dossier: Hearing.status", "Scheduled"),
    pgettext_lazy("dossier: Hearing.status", "Postponed (new date not yet set)"),
    pgettext_lazy("dossier: Hearing.status", "Held"),
    pgettext_lazy("dossier: Hearing.status", "Cancelled"),
    pgettext_lazy("dossier: Ruling.outcome", "Granted / allowed"),
    pgettext_lazy("dossier: Ruling.outcome", "Partly granted"),
    pgettext_lazy("dossier: Ruling.outcome", "Dismissed"),
    pgettext_lazy("dossier: Ruling.outcome", "Proceedings terminated"),
    pgettext_lazy("dossier: Ruling.outcome", "Left without consideration"),
    pgettext_lazy("dossier: Ruling.outcome", "Returned / not admitted"),
    pgettext_lazy("dossier: Ruling.outcome", "Set aside and remanded"),
    pgettext_lazy("dossier: Ruling.outcome", "Violation found"),
    pgettext_lazy("dossier: Ruling.outcome", "No violation"),
    pgettext_lazy("dossier: Ruling.outcome", "Inadmissible"),
    pgettext_lazy("dossier: Ruling.outcome", "Other (see summary)"),
    pgettext_lazy("dossier: Appeal.kind", "Appeal"),
    pgettext_lazy("dossier: Appeal.kind", "Cassation"),
    pgettext_lazy("dossier: Appeal.kind", "Supreme Court / supervisory review"),
    pgettext_lazy("dossier: Appeal.kind", "Constitutional complaint"),
    pgettext_lazy("dossier: Appeal.kind", "International application"),
    pgettext_lazy("dossier: Appeal.status", "Planned (not yet filed)"),
    pgettext_lazy("dossier: Appeal.status", "Filed"),
    pgettext_lazy("dossier: Appeal.status", "Pending"),
    pgettext_lazy("dossier: Appeal.status", "Decided"),
    pgettext_lazy("dossier: Appeal.status", "Withdrawn"),
    pgettext_lazy("dossier: Document.kind", "Exhibit / evidence"),
    pgettext_lazy("dossier: Document.kind", "Pleading / claim"),
    pgettext_lazy("dossier: Document.kind", "Submission"),
    pgettext_lazy("dossier: Document.kind", "Ruling / judgment"),
    pgettext_lazy("dossier: Document.kind", "Correspondence"),
    pgettext_lazy("dossier: Document.kind", "Press report"),
    pgettext_lazy("dossier: Document.kind", "Dossier (generated)"),
    pgettext_lazy("dossier: Document.kind", "Other"),
]

# The deadline rules' titles and triggers (deadlines/rules.py keeps them in English), worded
# by documents/dossier/deadlines_hook.py. A test checks every rule has its Russian wording.
DEADLINE_LABELS = [
    pgettext_lazy("dossier: Deadline.rule_title", "Appeal against a first-instance civil decision (Russia, GPK)"),
    pgettext_lazy(
        "dossier: Deadline.rule_title", "Appeal against a first-instance administrative-claim decision (Russia, KAS)"
    ),
    pgettext_lazy(
        "dossier: Deadline.rule_title", "Cassation complaint to a cassation court of general jurisdiction (Russia, GPK)"
    ),
    pgettext_lazy("dossier: Deadline.rule_title", "Cassation complaint (Russia, KAS)"),
    pgettext_lazy(
        "dossier: Deadline.rule_title", "Cassation complaint to the Supreme Court (second cassation, Russia, GPK)"
    ),
    pgettext_lazy(
        "dossier: Deadline.rule_title", "Complaint against a decision in an administrative-offence case (Russia, KoAP)"
    ),
    pgettext_lazy("dossier: Deadline.rule_title", "Application to the European Court of Human Rights"),
    pgettext_lazy("dossier: Deadline.rule_title", "Appellant's notice (England and Wales, CPR)"),
    pgettext_lazy("dossier: Deadline.rule_title", "Notice of appeal in a civil case (US federal)"),
    pgettext_lazy(
        "dossier: Deadline.rule_title",
        "Notice of appeal in a civil case where the United States is a party (US federal)",
    ),
    pgettext_lazy("dossier: Deadline.rule_title", "Berufung (Germany, ZPO)"),
    pgettext_lazy("dossier: Deadline.rule_title", "Appeal to the Court of Justice against a General Court decision"),
    pgettext_lazy("dossier: Deadline.trigger_label", "decision in final form"),
    pgettext_lazy("dossier: Deadline.trigger_label", "entry into force of the decision challenged"),
    pgettext_lazy(
        "dossier: Deadline.trigger_label",
        "the reasoned appellate ruling is produced (where there was an appeal), else entry into force",
    ),
    pgettext_lazy("dossier: Deadline.trigger_label", "ruling of the cassation court"),
    pgettext_lazy("dossier: Deadline.trigger_label", "delivery or receipt of a copy of the decision"),
    pgettext_lazy("dossier: Deadline.trigger_label", "final domestic decision"),
    pgettext_lazy("dossier: Deadline.trigger_label", "date of the decision of the lower court"),
    pgettext_lazy("dossier: Deadline.trigger_label", "entry of the judgment or order appealed from"),
    pgettext_lazy("dossier: Deadline.trigger_label", "service of the judgment in full form"),
    pgettext_lazy("dossier: Deadline.trigger_label", "notification of the decision"),
]
