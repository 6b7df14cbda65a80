def register(router):
    """Filled in with the household visit log viewset."""
