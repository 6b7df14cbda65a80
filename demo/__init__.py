"""Demo data and benchmark tooling, kept out of the production apps.

``manage.py seed_demo`` builds the demo county, ``generate_scale`` writes synthetic data at a scale tier,
``bench_quota`` and ``bench_rating_proposal`` time the quota engine and the five-good proposal on it.
The app is installed by the development and test settings only: production settings leave it out, and no
production module imports it (it imports them, never the other way round).
"""
