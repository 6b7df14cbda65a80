from . import activities, cadres, pipeline, roster


def register(router):
    roster.register(router)
    pipeline.register(router)
    cadres.register(router)
    activities.register(router)
