from . import appraisals, dashboard, evaluation, inbox, quotas, ratings, rectifications, reports


def register(router):
    quotas.register(router)
    ratings.register(router)
    appraisals.register(router)
    rectifications.register(router)
    evaluation.register(router)
    reports.register(router)
    dashboard.register(router)


paths = [*dashboard.paths, *reports.paths, *inbox.paths]
