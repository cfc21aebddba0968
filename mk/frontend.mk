FRONTEND := $(ROOT)/frontend-react-js
FRONTEND_DEPS := $(FRONTEND)/node_modules/.installed

.PHONY: frontend-setup frontend-build lint-frontend test-frontend bench-frontend
frontend-setup: $(FRONTEND_DEPS) ## install the web app's pinned npm dependencies (npm ci)

$(FRONTEND_DEPS): $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend-build: $(FRONTEND_DEPS) ## production build of the web app into frontend-react-js/dist
	cd $(FRONTEND) && npm run --silent build

lint-frontend: $(FRONTEND_DEPS) ## ESLint over the web app: recommended rules and the import layers (eslint.config.js)
	cd $(FRONTEND) && npm run --silent lint

test-frontend: lint-frontend frontend-build ## web app: ESLint, vitest, production build, initial-JS size budget
	cd $(FRONTEND) && npx vitest run && node scripts/bundle-size.mjs dist

bench-frontend: frontend-build ## print the initial JavaScript gzip size of the production build
	cd $(FRONTEND) && node scripts/bundle-size.mjs dist

TEST_TARGETS += test-frontend
