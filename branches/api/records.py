def register(router):
    """Filled in with the organization records' viewsets."""
