"""`makemessages` that also finds the deadline explanation's sentences.

They are marked with `N_` (gettext_noop) and `plural_step` (a singular/plural pair) where a step is
written, and translated only when read (deadlines/explanation.py). Django documents overriding
the command for extra xgettext keywords ("Customizing the makemessages command").
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_", "--keyword=plural_step:1,2"]
