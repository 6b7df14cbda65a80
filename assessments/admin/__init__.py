from . import appraisals, quotas, ratings, rectifications  # noqa: F401  (each module registers its ModelAdmins)
