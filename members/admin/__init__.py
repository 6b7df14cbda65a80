from . import activities, cadres, pipeline, roster, visits  # noqa: F401  (each module registers its ModelAdmins)
