# Two entry points, each creating its own virtual environment on first use:
#   make demo   runs aceskit's main job on built-in sample data
#   make test   runs the whole test suite (core, hosts, and Blender 4.5 LTS and 5.0 in bpy environments)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BLENDER_VENV := .venv-blender
BLENDER45_VENV := .venv-blender45
BIN := $(VENV)/bin
DEMO_DIR ?= demo-output

.PHONY: demo test test-core test-blender test-blender50 test-blender45 venv blender-venv clean

$(BIN)/aceskit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

venv: $(BIN)/aceskit

# one bpy environment per Blender version: $(1) venv folder, $(2) requirements file
define bpy_venv
$(1)/bin/python: $(2)
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python -m pip install --quiet -r $(2)
	$(1)/bin/python -m pip install --quiet --no-deps -e .
	touch $$@
endef
$(eval $(call bpy_venv,$(BLENDER_VENV),tests/blender/requirements-5.0.txt))
$(eval $(call bpy_venv,$(BLENDER45_VENV),tests/blender/requirements-4.5.txt))

blender-venv: $(BLENDER_VENV)/bin/python $(BLENDER45_VENV)/bin/python

demo: venv
	$(BIN)/aceskit demo $(DEMO_DIR)

test-core: venv
	$(BIN)/python -m pytest -q

test-blender50: $(BLENDER_VENV)/bin/python
	$(BLENDER_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/blender -o addopts=""

test-blender45: $(BLENDER45_VENV)/bin/python
	$(BLENDER45_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/blender -o addopts=""

test-blender: test-blender45 test-blender50

test: test-core test-blender

clean:
	rm -rf $(VENV) $(BLENDER_VENV) $(BLENDER45_VENV) $(DEMO_DIR)
