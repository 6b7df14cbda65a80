from . import appraisals, quotas, ratings, rectifications


def register(router):
    quotas.register(router)
    ratings.register(router)
    appraisals.register(router)
    rectifications.register(router)
