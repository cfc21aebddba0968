# Dependency audit (ops/cruddur_ops/audit_deps.py): the pinned Python requirements with pip-audit and the
# web app's lockfile with npm audit, against the registries' real vulnerability data; the one reviewed
# exceptions file is aws/vulnerability-exceptions.toml (shared with the image scan gate).
#
# Not part of `make test`, on purpose: the audit's verdict depends on advisories published after the
# commit, so an advisory published tomorrow would turn CI red for a commit that changed nothing, and
# block every unrelated merge until someone upgrades or excepts. `make test` runs the audit's own tests
# instead (test-ops: ops/tests/test_audit_deps.py), including the real tools over deliberately old pins.
# `make audit-deps` is the gate before push (and fit for a scheduled job), where a new advisory should
# stop a release. See docs/security.md.
.PHONY: audit-deps
audit-deps: setup ## audit pinned Python (pip-audit) and npm (npm audit) dependencies; fails on any finding not excepted
	cd $(ROOT)/ops && $(PY) -m cruddur_ops audit-deps
