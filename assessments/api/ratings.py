def register(router):
    """Filled in with star ratings, appraisals and rectifications."""
