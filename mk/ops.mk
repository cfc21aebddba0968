# Ops CLI (ops/, package cruddur_ops): deploy tooling for ECR and ECS.
OPS_PY := cd $(ROOT)/ops && $(PY)

.PHONY: test-ops
# Coverage is of cruddur_ops run in-process by the CLI tests; the bin/ doors the door tests exec are not measured.
test-ops: setup ## ops CLI tests (moto server, scripted ECS rollouts) and coverage against its floor; the stacks' tests run in test-infra
	$(OPS_PY) -m pytest $(addprefix --ignore=,$(INFRA_TESTS)) $(call COVERAGE,cruddur_ops,86)

TEST_TARGETS += test-ops
