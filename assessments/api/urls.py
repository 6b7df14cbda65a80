from . import appraisals
from . import dashboard
from . import evaluation
from . import inbox
from . import quotas
from . import ratings
from . import rectifications
from . import reports


def register(router):
    quotas.register(router)
    ratings.register(router)
    appraisals.register(router)
    rectifications.register(router)
    evaluation.register(router)
    reports.register(router)
    dashboard.register(router)


paths = [*dashboard.paths, *reports.paths, *inbox.paths]
