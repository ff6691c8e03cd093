// Host shim: compiles a DCTL as C++ so tests can run it on the CPU.
// Models Resolve's documented DCTL builtins (Developer/DaVinciCTL/README.txt):
// float3 + make_float3, __DEVICE__/__CONSTANT__ qualifiers, the _xxx float math
// functions, and DEFINE_UI_PARAMS controls as exported globals a test can set.
// DCTL has no double (GPUs may lack it): after the shim's own includes the word is poisoned,
// and the build turns every implicit float -> double promotion into an error.
#pragma once
#include <cmath>

struct float3 { float x, y, z; };
static inline float3 make_float3(float x, float y, float z) { float3 v = {x, y, z}; return v; }

#define __DEVICE__ static inline
#define __CONSTANT__ static const
#define __CONSTANTREF__ const &

__DEVICE__ float _fabs(float a) { return std::fabs(a); }
__DEVICE__ float _sqrtf(float a) { return std::sqrt(a); }
__DEVICE__ float _logf(float a) { return std::log(a); }
__DEVICE__ float _log2f(float a) { return std::log2(a); }
__DEVICE__ float _log10f(float a) { return std::log10(a); }
__DEVICE__ float _expf(float a) { return std::exp(a); }
__DEVICE__ float _exp2f(float a) { return std::exp2(a); }
__DEVICE__ float _exp10f(float a) { return ::exp10f(a); }
__DEVICE__ float _floorf(float a) { return std::floor(a); }
__DEVICE__ float _ceilf(float a) { return std::ceil(a); }
__DEVICE__ float _truncf(float a) { return std::trunc(a); }
__DEVICE__ float _powf(float a, float b) { return std::pow(a, b); }
__DEVICE__ float _fmaxf(float a, float b) { return std::fmax(a, b); }
__DEVICE__ float _fminf(float a, float b) { return std::fmin(a, b); }
__DEVICE__ float _copysignf(float a, float b) { return std::copysign(a, b); }
__DEVICE__ float _clampf(float a, float lo, float hi) { return std::fmin(std::fmax(a, lo), hi); }
__DEVICE__ float _saturatef(float a) { return _clampf(a, 0.0f, 1.0f); }

// DEFINE_UI_PARAMS(var, Label, TYPE, ...): the label is ignored, the variable becomes an
// exported global initialised to the default.  Combo identifiers are declared by the test
// harness (a braced list cannot be split by the preprocessor).
#define DEFINE_UI_PARAMS(name, label, type, ...) DCTL_UI_##type(name, __VA_ARGS__)
#define DCTL_UI_DCTLUI_SLIDER_FLOAT(name, def, lo, hi, step) extern "C" { float name = (def); }
#define DCTL_UI_DCTLUI_SLIDER_INT(name, def, lo, hi, step) extern "C" { int name = (def); }
#define DCTL_UI_DCTLUI_VALUE_BOX(name, def) extern "C" { float name = (def); }
#define DCTL_UI_DCTLUI_CHECK_BOX(name, def) extern "C" { int name = (def); }
#define DCTL_UI_DCTLUI_COMBO_BOX(name, def, ...) extern "C" { int name = (def); }

#pragma GCC poison double
