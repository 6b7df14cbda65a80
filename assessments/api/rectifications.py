def register(router):
    """Filled in with this topic's viewsets."""
