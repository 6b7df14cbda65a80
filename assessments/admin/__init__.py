from . import appraisals, evaluation, quotas, ratings, rectifications  # noqa: F401  (each module registers its ModelAdmins)
