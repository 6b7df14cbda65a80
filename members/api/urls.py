from . import cadres, pipeline, roster


def register(router):
    roster.register(router)
    pipeline.register(router)
    cadres.register(router)
