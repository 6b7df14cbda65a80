from . import activities, cadres, dues, pipeline, roster, terms, visits


def register(router):
    roster.register(router)
    pipeline.register(router)
    cadres.register(router)
    activities.register(router)
    visits.register(router)
    dues.register(router)
    terms.register(router)
