# Ops CLI (ops/, package cruddur_ops): deploy tooling for ECR and ECS.
OPS_PY := cd $(ROOT)/ops && $(PY)

.PHONY: test-ops
test-ops: setup ## ops CLI tests (moto server, scripted ECS rollouts)
	$(OPS_PY) -m pytest

TEST_TARGETS += test-ops
