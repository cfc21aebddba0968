"""Local stand-ins for the services Cruddur uses: a PostgreSQL cluster and the AWS emulator.

Shared by the test suites, `make dev` and the benchmarks, so every one of them starts the same
real servers the same way.
"""
