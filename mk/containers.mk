# Production images and their proof (containers/): lint, build, run healthy, compose, push to a local registry.
.PHONY: test-containers images bench-images
test-containers: setup lint-setup ## prove the images: lint, build, run healthy, compose up, push (starts its own dockerd)
	cd containers && $(PY) -m pytest -q

images: setup ## build the backend-flask and frontend-react-js production images, tagged with the commit
	$(PY) -m containers.images

bench-images: setup ## print image bytes over their bases and start-to-healthy seconds
	$(PY) -m containers.bench

TEST_TARGETS += test-containers
