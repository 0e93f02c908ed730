import pathlib
import re

from setuptools import find_packages, setup

here = pathlib.Path(__file__).parent
version = re.search(r'__version__ = "([^"]+)"', (here / "skgwae" / "_version.py").read_text())[1]

setup(
    name="skgwae",
    version=version,
    description="Gromov-Wasserstein autoencoders as scikit-learn estimators",
    long_description=(here / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="BSD-3-Clause",
    packages=find_packages(include=["skgwae", "skgwae.*"]),
    python_requires=">=3.10",
    install_requires=[
        "scikit-learn>=1.6",
        "torch>=2.1",
        "numpy>=1.23",
        "scipy>=1.9",
        "pot>=0.9",
        "joblib>=1.2",
        "pandas>=1.5",
        "tqdm>=4.60",
        "threadpoolctl>=3.1",
        "safetensors>=0.4",
    ],
    extras_require={
        "plotting": ["matplotlib>=3.5"],
        "test": [
            "pytest>=7",
            "pytest-xdist>=3",
            "hypothesis>=6.80",
            "matplotlib>=3.5",
            "dask[distributed]>=2023.1",
            "numpydoc>=1.6",
        ],
        "benchmarks": ["matplotlib>=3.5", "umap-learn>=0.5"],
        "docs": [
            "sphinx>=7.3",
            "numpydoc>=1.6",
            "sphinx-gallery>=0.17",
            "pydata-sphinx-theme>=0.15",
            "matplotlib>=3.5",
        ],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Intended Audience :: Science/Research",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        "License :: OSI Approved :: BSD License",
    ],
)
