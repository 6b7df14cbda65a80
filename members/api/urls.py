from . import activities, cadres, dues, mobile, pipeline, roster, terms, transfers, visits


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
