# Production images and their proof (containers/): lint, build, run healthy, compose, push to a local registry.
.PHONY: test-containers images sbom bench-images
test-containers: setup lint-setup frontend-setup ## prove the images: lint, build, run healthy, compose up, push (starts its own dockerd)
	cd containers && $(PY) -m pytest -q

images: setup ## build the backend-flask and frontend-react-js production images, tagged with the commit
	$(PY) -m containers.images

sbom: setup frontend-setup ## build both production images, then write their CycloneDX SBOMs to .state/sbom/
	$(PY) -m containers.sbom

bench-images: setup ## print image bytes over their bases and start-to-healthy seconds
	$(PY) -m containers.bench

TEST_TARGETS += test-containers
