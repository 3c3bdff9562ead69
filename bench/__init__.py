"""The benchmark data set of issue 8 ("Speed at a large distributor's scale"): `seed.py` loads it
into PostgreSQL (`manage.py seed_bench [--scale S]`)."""
