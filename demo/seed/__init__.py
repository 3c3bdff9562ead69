"""The demo data, one module per app: staff, clients, orders, calls, outbound, reports.

`demo.services.seed_demo` runs them in order, with one random generator for the clients and
their history and another for the desk's recent weeks, so the same arguments give the same rows.
"""
