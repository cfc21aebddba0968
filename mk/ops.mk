# Ops CLI (ops/, package cruddur_ops): deploy tooling for ECR and ECS.
OPS_PY := cd $(ROOT)/ops && $(PY)

.PHONY: test-ops
test-ops: setup ## ops CLI tests (moto server, scripted ECS rollouts); the stacks' tests run in test-infra
	$(OPS_PY) -m pytest $(addprefix --ignore=,$(INFRA_TESTS))

TEST_TARGETS += test-ops
