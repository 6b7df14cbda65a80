from . import quotas


def register(router):
    quotas.register(router)
