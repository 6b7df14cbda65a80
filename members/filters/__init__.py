"""FilterSets shared by the browser UI and the API, split by topic."""
