"""The kinds of alert, their Danish labels and what the alert asks the reader to do.

Deadline kinds are the rulebook's stable constants (visitation/deadlines.py, stored in
Case.next_deadline_kind); the three kinds below them are signals the sweep derives from other stored data.
"""

from django.utils.translation import gettext_lazy as _

from visitation import deadlines

FIRST_MEETING_NOT_BOOKED = "first_meeting_not_booked"  # N working days before the end of week 8, not booked
EXCEPTION_PENDING = "exception_pending"  # an exception waiting for a decision more than 5 working days
CASELOAD_ABOVE_TARGET = "caseload_above_target"  # a consultant's open cases above StaffMember.caseload_target

LABELS = {
    deadlines.VISITATION: _("Visitation senest ved udgangen af uge 7"),
    deadlines.FIRST_FOLLOW_UP: _("Første opfølgningssamtale senest ved udgangen af uge 8"),
    deadlines.NEXT_FOLLOW_UP: _("Næste opfølgningssamtale"),
    deadlines.WEEK13_MEASURE: _("Virksomhedsrettet indsats senest ved udgangen af uge 13"),
    deadlines.REASSESSMENT: _("Revurdering"),
    deadlines.FAST_TRACK_REPLY: _("Fast track: medarbejderens svar"),
    deadlines.FAST_TRACK_MEETING: _("Fast track: første samtale"),
    deadlines.AGREEMENT_56_EXPIRY: _("§ 56-aftale udløber"),
    deadlines.CATEGORY1_AFTER_WEEK8: _("Kategori 1-sag åben efter uge 8: opfølgning og revisitation"),
    deadlines.COMPLAINT_REASSESSMENT: _("Klage: genvurdér og send videre senest 4 uger efter modtagelsen"),
    deadlines.EXTENSION_END: _("§ 27-forlængelsen udløber: ny afgørelse senest da"),
    FIRST_MEETING_NOT_BOOKED: _("Første møde er ikke booket"),
    EXCEPTION_PENDING: _("Undtagelse afventer afgørelse i mere end 5 arbejdsdage"),
    CASELOAD_ABOVE_TARGET: _("Sagsstamme over målet"),
}

# Shown with re-assessment alerts: the extension grounds of sygedagpengeloven § 27 to consider before the
# re-assessment date (or a transition to jobafklaringsforløb). Payment never simply stops: a decision is
# needed.
REASSESSMENT_EXTENSION_GROUNDS = [
    _("Revalidering eller forrevalidering er sandsynlig"),
    _("Arbejdsevnen skal afklares (op til 69 uger)"),
    _("Borgeren er i eller venter på lægebehandling (op til 134 uger)"),
    _("Sagen skal forelægges rehabiliteringsteamet"),
    _("Livstruende, alvorlig sygdom"),
    _("Verserende arbejdsskadesag"),
    _("Verserende sag om førtidspension"),
]


def label(kind: str) -> str:
    return str(LABELS.get(kind, kind))
