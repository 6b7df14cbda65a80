from . import accounts  # noqa: F401  (each module registers its ModelAdmins)
from . import records  # noqa: F401  (each module registers its ModelAdmins)
from . import tree  # noqa: F401  (each module registers its ModelAdmins)
