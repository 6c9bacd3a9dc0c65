# Every target creates .venv from requirements.txt first if it is missing or out of date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
# The course package as students install it (make dist): a wheel carrying data/mnist.npz inside the package (setup.py).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
WHEEL := dist/aecourse-$(VERSION)-py3-none-any.whl

.DEFAULT_GOAL := help
.PHONY: help book translations cache-key test test-fast lint exercises grade check lab dist chromium bubblewrap gpu-check bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	$(BIN)/python -m coursetools.kernelspec
	touch $@

# What the built book depends on: a change to any of these makes `make test` rebuild it first.
BOOK_INPUTS := _config.yml _toc.yml $(wildcard book/*.md book/*.bib data/*.npz locales/*/LC_MESSAGES/book/*.po) \
	$(shell find aecourse book/_ext -type f \( -name '*.py' -o -path '*/static/*' -o -path '*/templates/*' \))
BOOK_STAMP := _build/.book-built
# The execution cache knows a chapter by its code cells only. What those cells run on (the package, the
# data, the pinned libraries) is keyed here: when it changes, the cache is emptied and every chapter runs again.
# Sphinx's own record of the pages it has read goes too: Sphinx reads (and so executes) only pages whose
# source changed, and would otherwise keep serving the old outputs of every other chapter.
CACHE := _build/.jupyter_cache
DOCTREES := _build/.doctrees
# Languages the book is translated into; each has its catalogues under locales/<lang>/LC_MESSAGES, one .po per page,
# and its own build (coursetools.translated) under _build/<lang>/, published into _build/html/<lang>/.
LANGUAGES := ko
TRANSLATED_DOCTREES := $(LANGUAGES:%=_build/%/.doctrees)
SHA256 := $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo shasum -a 256)
# The salt changes when the rule does, so that caches made under an older rule are emptied once.
CACHE_KEY = $$({ echo salt-2; find aecourse data -type f \( -name '*.py' -o -name '*.npz' \) | LC_ALL=C sort | xargs $(SHA256) requirements.txt; } | $(SHA256) | cut -c1-16)

cache-key: ## print the key of the chapters' execution cache (make book empties the cache when it changes; the workflow's cache uses it)
	@echo $(CACHE_KEY)

# These pages read files that neither the execution cache nor Sphinx watches (the benchmark results, the hostile
# corpus, the grader's options and limits, the wheel): they are marked to execute whenever read, and touched so that every build reads them.
ALWAYS_RUN := book/grading.md book/performance.md book/doing_exercises.md

# Chapters are executed into the cache first, several at a time (coursetools.execute); Jupyter Book then finds them there.
book: $(STAMP) $(WHEEL) ## build the HTML book into _build/html, and its translations into _build/html/<lang> (executes the chapters, BOOK_JOBS at a time, default one per core up to 4; cached)
	@touch $(ALWAYS_RUN)
	@key=$(CACHE_KEY); if [ "$$(cat $(CACHE)/inputs.key 2>/dev/null)" != "$$key" ]; then \
		if [ -d $(DOCTREES) ]; then echo "the package, data or libraries changed since the chapters were cached: running every chapter again"; fi; \
		rm -rf $(CACHE) $(DOCTREES) $(TRANSLATED_DOCTREES) && mkdir -p $(CACHE) && echo $$key > $(CACHE)/inputs.key; fi; \
	echo "$(BIN)/python -m coursetools.execute$(if $(BOOK_JOBS), --jobs $(BOOK_JOBS))"; \
	$(BIN)/python -m coursetools.execute $(if $(BOOK_JOBS),--jobs $(BOOK_JOBS)) || exit 1; \
	echo "$(BIN)/jupyter-book build . -W -n --keep-going"; \
	$(BIN)/jupyter-book build . -W -n --keep-going || { rm -f $(DOCTREES)/environment.pickle; exit 1; }; \
	for lang in $(LANGUAGES); do echo "$(BIN)/python -m coursetools.translated $$lang"; $(BIN)/python -m coursetools.translated $$lang || exit 1; done
	touch $(BOOK_STAMP)

translations: $(STAMP) ## extract the book's messages into _build/gettext/pot (no chapter runs) and update the catalogues under locales/ to match
	$(BIN)/python -m coursetools.messages _build/gettext
	$(BIN)/sphinx-intl update -p _build/gettext/pot -d locales $(foreach lang,$(LANGUAGES),-l $(lang))

$(BOOK_STAMP): $(STAMP) $(BOOK_INPUTS)
	$(MAKE) --no-print-directory book

# Test processes (pytest-xdist). Each test file, and each test class (test_variants.py has one per assignment),
# runs whole in one process; tests/conftest.py orders them, heaviest first.
TEST_WORKERS ?= 2

test: $(STAMP) $(BOOK_STAMP) ## run the whole test suite (builds the book first if it is missing or out of date) [TEST_WORKERS=2]
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=10

FAST := not grading and not book and not wheel and not browser and not gpu

test-fast: $(STAMP) ## the loop to run while editing: every test that needs neither the built book nor a graded class (about a minute)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder -m "$(FAST)"

lint: $(STAMP) ## ruff's checks and its formatter's layout (settings in pyproject.toml); `ruff format .` applies the layout
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

exercises: $(STAMP) ## regenerate exercises/ from solutions/ with nbgrader
	$(BIN)/python -m coursetools.release

grade: $(STAMP) ## grade a class in sandboxes: make grade ASSIGNMENT=ex01_mnist_data [SUBMISSIONS=submitted OUT= WORKERS= SANDBOX=none SCHEDULER=tcp://host:8786]
	@test -n "$(ASSIGNMENT)" || { echo "usage: make grade ASSIGNMENT=<id> [SUBMISSIONS=<dir>, default: nbgrader's submitted/] [OUT=<dir>] [WORKERS=<n>] [SANDBOX=none] [SCHEDULER=tcp://host:8786]"; exit 2; }
	@test "$(SANDBOX)" = none || command -v bwrap >/dev/null || $(MAKE) --no-print-directory bubblewrap
	$(BIN)/python -m coursetools.grade $(ASSIGNMENT) $(SUBMISSIONS) $(if $(OUT),--out $(OUT)) $(if $(WORKERS),--workers $(WORKERS)) $(if $(SANDBOX),--sandbox $(SANDBOX)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

check: $(STAMP) ## run a notebook's visible tests exactly as the grader scores them: make check NOTEBOOK=path.ipynb
	@test -n "$(NOTEBOOK)" || { echo "usage: make check NOTEBOOK=<path to your notebook>"; exit 2; }
	$(BIN)/python -m coursetools.check $(NOTEBOOK)

# JupyterLab of the course's environment, for students: its python3 kernel (coursetools.kernelspec), and nbgrader's
# Validate button and Assignments tab (nbgrader's lab and server extensions, enabled when nbgrader is installed; Validate
# reads nbgrader_config.py from here). nbgrader's formgrader, the instructors' page, is left off: it needs the course's
# root inside the folder JupyterLab serves, and says so with an error at every start otherwise.
LAB_DIR ?= exercises
lab: $(STAMP) ## open JupyterLab on the exercises with the course's kernel and nbgrader's Validate button [LAB_DIR=exercises PORT= LAB_ARGS=]
	$(BIN)/python -m coursetools.kernelspec
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_DIR) $(if $(PORT),--ServerApp.port=$(PORT)) \
		--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False $(LAB_ARGS)

dist: $(WHEEL) ## build the course package's wheel and sdist into dist/, with the MNIST data inside (the book offers the wheel)

$(WHEEL): $(STAMP) pyproject.toml setup.py MANIFEST.in data/mnist.npz data/README.md $(shell find aecourse -name '*.py')
	rm -rf dist build
	$(BIN)/python -m build --no-isolation --outdir dist . > /dev/null
	@ls -l dist

chromium: ## install the browser that the browser tests drive (Debian package chromium, /usr/bin/chromium; needs root)
	@test -x /usr/bin/chromium && exit 0; \
	if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; \
	else echo "chromium is missing: install it with 'sudo apt-get install chromium' (without it the browser tests are skipped)"; exit 2; fi

bubblewrap: ## install bubblewrap, the sandbox grading uses, and check ordinary users get one here (root; adds its AppArmor profile on Ubuntu 23.10+)
	@command -v bwrap >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q bubblewrap || { apt-get update -q && apt-get install -y -q bubblewrap; }; \
		else echo "bubblewrap (bwrap) is missing: install it with 'sudo make bubblewrap' (or grade without a sandbox: SANDBOX=none)"; exit 2; fi; }
	@$(PYTHON) -m coursetools.grading.hosts --fix

gpu-check: $(STAMP) ## train on the CUDA GPU; check devices, loss and epoch times (fails without CUDA)
	$(BIN)/python -m coursetools.gpu_check

bench: $(STAMP) ## measure training speed against the hardware's floor, autograde and grading time; BOOK=1 adds the environment's creation, book builds and make test (writes benchmarks/results.json)
	$(BIN)/python -m coursetools.bench $(if $(BOOK),--book)

clean: ## remove the built book, the wheel (dist/), caches, grades/ (make grade's default OUT) and nbgrader's autograded/ and feedback/; keeps .venv, and the students' submitted/ and gradebook.db
	rm -rf _build dist build .pytest_cache autograded feedback grades
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
