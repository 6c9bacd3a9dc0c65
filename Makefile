# Every target creates .venv from requirements.txt first if it is missing or out of date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help book test exercises gpu-check bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m coursetools.kernelspec
	touch $@

book: $(STAMP) ## build the HTML book into _build/html (executes every chapter; cached)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(STAMP) ## run the whole test suite (grades every assignment; checks the built book)
	$(BIN)/python -m pytest

exercises: $(STAMP) ## regenerate exercises/ from solutions/ with nbgrader
	$(BIN)/python -m coursetools.release

gpu-check: $(STAMP) ## train on the CUDA GPU; check devices, loss and epoch times (fails without CUDA)
	$(BIN)/python -m coursetools.gpu_check

bench: $(STAMP) ## seconds per epoch and images per second of the convolutional autoencoder on this machine
	$(BIN)/python -m coursetools.bench

clean: ## remove the built book, caches and nbgrader's working files (keeps .venv)
	rm -rf _build .pytest_cache gradebook.db submitted autograded feedback
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
