# Benchmarks: numbers measured side by side in one run, written to bench/RESULTS.md. Never part of `make test`.
.PHONY: bench
bench: setup ## measure the API against a minimal baseline (writes bench/RESULTS.md)
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(PY) bench/api.py
