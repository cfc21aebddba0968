# Infrastructure as code (aws/cfn, aws/policies): linters from .venv-lint, emulator deploys from .venv.
INFRA_TEMPLATES := $(sort $(wildcard $(ROOT)/aws/cfn/*/template.yaml))
INFRA_TESTS := tests/test_cfn_deploy.py tests/test_cfn_stack_chain.py tests/test_cfn_outputs_delete.py tests/test_policies.py \
	tests/test_cfn_outputs_contract.py tests/test_cfn_messages_table.py tests/test_cfn_avatars.py tests/test_cfn_registry.py tests/test_cfn_signing.py tests/test_guardrails.py tests/test_parameters_put.py

.PHONY: test-infra lint-cfn
lint-cfn: lint-setup ## cfn-lint (zero errors or warnings) and checkov (zero failed checks) over aws/cfn
	$(LINT_BIN)/cfn-lint $(INFRA_TEMPLATES)
	$(LINT_BIN)/checkov --skip-download --framework cloudformation --directory $(ROOT)/aws/cfn --compact --quiet

test-infra: setup lint-cfn ## lint the stacks, parliament every policy, deploy the stacks into the emulator
	cd $(ROOT)/ops && CRUDDUR_LINT_BIN=$(LINT_BIN) $(PY) -m pytest $(INFRA_TESTS)

TEST_TARGETS += test-infra
