# Two entry points, each creating its own virtual environment on first use:
#   make demo   runs aceskit's main job on built-in sample data
#   make test   runs the whole test suite (core, hosts, and Blender in a bpy environment)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BLENDER_VENV := .venv-blender
BIN := $(VENV)/bin
DEMO_DIR ?= demo-output

.PHONY: demo test test-core test-blender venv blender-venv clean

$(BIN)/aceskit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

venv: $(BIN)/aceskit

$(BLENDER_VENV)/bin/python: tests/blender/requirements.txt
	$(PYTHON) -m venv $(BLENDER_VENV)
	$(BLENDER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BLENDER_VENV)/bin/python -m pip install --quiet -r tests/blender/requirements.txt
	$(BLENDER_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

blender-venv: $(BLENDER_VENV)/bin/python

demo: venv
	$(BIN)/aceskit demo $(DEMO_DIR)

test-core: venv
	$(BIN)/python -m pytest -q

test-blender: blender-venv
	$(BLENDER_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/blender -o addopts=""

test: test-core test-blender

clean:
	rm -rf $(VENV) $(BLENDER_VENV) $(DEMO_DIR)
