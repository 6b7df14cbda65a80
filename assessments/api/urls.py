from . import quotas, ratings


def register(router):
    quotas.register(router)
    ratings.register(router)
