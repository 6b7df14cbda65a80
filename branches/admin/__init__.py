from . import accounts, records, tree  # noqa: F401  (each module registers its ModelAdmins)
