from . import quotas, ratings  # noqa: F401  (each module registers its ModelAdmins)
