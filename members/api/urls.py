def register(router):
    """No endpoints yet."""
