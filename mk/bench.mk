# Benchmarks: numbers measured side by side in one run, written to bench/RESULTS.md. Never part of `make test`.
.PHONY: bench
# wrk comes from Debian's packages; a fresh machine may have no package lists yet.
bench: setup ## measure the API against a minimal baseline (writes bench/RESULTS.md)
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk; }
	$(PY) bench/api.py
