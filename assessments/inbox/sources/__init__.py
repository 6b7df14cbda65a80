"""The one registry of inbox sources (docs/inbox.md, "Adding a source"): a new kind of item is a module here
with a ``Source`` subclass, and one line below. The inbox, its page, API and digest read only this tuple."""

from .alerts import QuotaAlerts
from .away import AwayOutOfContact
from .dues import DuesArrears
from .letters import LettersAwaiting
from .meetings import MeetingsOverdue
from .pipeline import PipelineSteps
from .ratings import RatingsAwaiting
from .rectifications import RectificationDeadlines
from .terms import TermsEnding

SOURCES = (
    MeetingsOverdue(),
    PipelineSteps(),
    DuesArrears(),
    RatingsAwaiting(),
    RectificationDeadlines(),
    TermsEnding(),
    LettersAwaiting(),
    AwayOutOfContact(),
    QuotaAlerts(),
)
