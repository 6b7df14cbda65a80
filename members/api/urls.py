from . import activities
from . import cadres
from . import dues
from . import mobile
from . import pipeline
from . import roster
from . import terms
from . import transfers
from . import visits


def register(router):
    roster.register(router)
    pipeline.register(router)
    cadres.register(router)
    activities.register(router)
    visits.register(router)
    dues.register(router)
    mobile.register(router)
    transfers.register(router)
    terms.register(router)
