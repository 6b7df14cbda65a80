def register(router):
    """Filled in with meetings, trainings, visits, study records and contact points."""
