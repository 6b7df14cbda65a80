"""Every write in the assessments app, split by topic."""
