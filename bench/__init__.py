"""The benchmark data set, a large distributor's scale (bench/README.md): `seed.py` loads it
into PostgreSQL (`manage.py seed_bench [--scale S]`)."""
