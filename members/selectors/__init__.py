"""Split by topic: roster, pipeline, cadres."""
