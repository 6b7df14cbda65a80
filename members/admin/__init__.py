from . import cadres, pipeline, roster  # noqa: F401  (each module registers its ModelAdmins)
