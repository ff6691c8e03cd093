# Two entry points, each creating its own virtual environment on first use:
#   make demo   runs aceskit's main job on built-in sample data
#   make test   runs the whole test suite (core, hosts, and Blender 4.5 LTS and 5.0 in bpy environments),
#               then the float32 host checks again with numpy's AVX-512 code paths disabled
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BLENDER_VENV := .venv-blender
BLENDER45_VENV := .venv-blender45
BIN := $(VENV)/bin
DEMO_DIR ?= demo-output

# The AVX-512 features numpy dispatches to on this CPU (numpy 1.x names them AVX512F ... AVX512_SPR,
# numpy 2.x X86_V4 ... AVX512_SPR); empty on a CPU without AVX-512, where the second run repeats the first.
NO_AVX512 = $(shell $(1) -c "import numpy; print(' '.join(f for f in numpy.__config__.CONFIG['SIMD Extensions']['found'] if f.startswith('AVX512') or f == 'X86_V4'))")
HOST_CHECKS := tests/nuke tests/resolve tests/test_ctf.py tests/test_blender_backend.py

.PHONY: demo test test-core test-blender test-blender50 test-blender45 test-no-avx512 venv blender-venv clean

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

# the float32 host emulations and their OpenColorIO comparisons, with numpy's AVX-512 paths off
test-no-avx512: venv $(BLENDER_VENV)/bin/python
	NPY_DISABLE_CPU_FEATURES="$(call NO_AVX512,$(BIN)/python)" $(BIN)/python -m pytest -q -p no:randomly $(HOST_CHECKS)
	NPY_DISABLE_CPU_FEATURES="$(call NO_AVX512,$(BLENDER_VENV)/bin/python)" \
		$(BLENDER_VENV)/bin/python -m pytest -q -p no:cacheprovider -o addopts="" tests/blender/test_rgc_groups.py

test: test-core test-blender test-no-avx512

clean:
	rm -rf $(VENV) $(BLENDER_VENV) $(BLENDER45_VENV) $(DEMO_DIR)
