"""The compiled inner loops of the restorer (diacritics/_kernels.c), built where a C compiler is:
``pip install -e .`` (or ``python setup.py build_ext --inplace``) builds them in place. Optional:
without a compiler the install goes on and the restorer runs its NumPy twins (same output)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "diacritics._kernels",
            ["diacritics/_kernels.c"],
            # no fused multiply-add: the same floats as the NumPy path, operation by operation
            extra_compile_args=["-O2", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        )
    ]
)
