"""``python -m etl.compile``: build the tagger and the normaliser with mypyc, and the C text passes.

docs/build_speed.md, "Seventh pass", "Eighth pass" and "Thirteenth pass", says what they gain.

The tagger's per-mention rules and the normaliser's per-row extractors (normalize, requirements,
salary, caseless) are plain Python; mypyc compiles the same modules into C extensions (the same
code, the same results: tests/test_compiled_tagger.py and tests/test_compiled_normaliser.py
compare them).
Beside it, etl/transforms/_passes.c: text passes of the tagger, dedup's signatures and the
app's counts of sets naming known technologies, written in C (the Python and Polars passes
stay the reference: tests/test_c_passes.py, tests/test_dedup.py, tests/test_sets.py). The
extensions go into a folder of the running environment named after the hash of the source
files they were built from (``compiled_folder``), and etl/transforms/__init__.py puts that
folder first on the package's path only when it exists: an edited source has another hash,
so a stale build is never loaded.
Building needs a C compiler and Python's headers; without them the command says why and the
tagger and the normaliser run as plain Python (exit status 0 unless --strict).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the modules built, as paths from the project root; their bytes name the folder. Each is built
# alone: mypyc puts the shared library of a group of modules at the top of the build, outside
# the package folder etl.transforms loads from; one module keeps both its files in that folder.
COMPILED = ("etl/transforms/tagger.py", "etl/transforms/normalize.py",
            "etl/transforms/requirements.py", "etl/transforms/salary.py",
            "etl/transforms/caseless.py")
# what mypyc reads to type the modules besides themselves (copied beside them to build)
CONTEXT = ("etl/__init__.py", "etl/transforms/__init__.py", "etl/text.py", "etl/jsonl.py",
           "etl/paths.py")
# C extensions written by hand, as paths from the project root (module: the path's dotted name)
NATIVE = ("etl/transforms/_passes.c",)
# builds NATIVE in the folder it runs in (setuptools' build_ext, as pip would)
_BUILD_NATIVE = """
import sys
from setuptools import Extension, setup
setup(name="native", script_args=["build_ext", "--inplace"],
      ext_modules=[Extension(path[:-2].replace("/", "."), [path], extra_compile_args=["-O2"])
                   for path in sys.argv[1:]])
"""


def source_hash(root: Path = ROOT,
                modules: tuple[str, ...] = (*COMPILED, *CONTEXT, *NATIVE)) -> str:
    """SHA-256 (first 16 hex digits) of the sources a build reads (the compiled modules and
    those that type them), with their paths."""
    digest = hashlib.sha256()
    for name in modules:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def compiled_folder(root: Path = ROOT, prefix: Path | None = None) -> Path:
    """Where the extension built from the current sources lives: under the environment's
    prefix (extensions are made for one interpreter), by Python version and source hash; the
    folder etl.transforms puts first on its path (the package's own part of the tree)."""
    prefix = Path(sys.prefix) if prefix is None else prefix
    return (prefix / "mypyc" / f"{sys.implementation.cache_tag}-{source_hash(root)}"
            / "etl" / "transforms")


def tagger_runs() -> str:
    """How the loaded tagger runs, for the benches' figures: "compiled" (with its C text
    passes, built with it) or "as Python"."""
    from etl.transforms import C_PASSES, tagger
    if tagger.__file__.endswith(".py"):
        return "as Python"
    return "compiled" if C_PASSES is not None else "compiled, text passes as Python"


def interpreter(maps: str | None = None) -> str:
    """The running Python for the benches' figures: its version, and whether its interpreter runs
    from a shared libpython (as a python3 configured with --enable-shared does) or is linked
    into the executable. The build's per-posting stage took about 11% longer under the first
    here (Makefile, PYTHON; docs/build_speed.md, "Twenty-second pass"). ``maps``: the process's
    memory map (/proc/self/maps, read when not given); where there is none, the version alone."""
    version = f"Python {platform.python_version()}"
    if maps is None:
        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            return version
    linked = "libpython shared" if "/libpython3" in maps else "libpython linked in"
    return f"{version}, {linked}"


def mypyc_command() -> str | None:
    """The mypyc command of the running environment (None when it is not installed)."""
    return shutil.which("mypyc", path=str(Path(sys.executable).parent))


def copy_sources(root: Path, dest: Path) -> None:
    """The files a build reads (COMPILED, CONTEXT and NATIVE), copied from root into dest."""
    for name in (*COMPILED, *CONTEXT, *NATIVE):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, dest / name)


def missing_modules(folder: Path) -> list[str]:
    """The built modules (COMPILED and NATIVE, by name) that have no extension file in folder:
    none in a folder build() made; a folder copied or emptied by hand may lack some."""
    names = [Path(name).stem for name in (*COMPILED, *NATIVE)]
    return [name for name in names
            if not any(folder.glob(f"{name}.*.so")) and not any(folder.glob(f"{name}.*.pyd"))]


def missing_tools() -> str:
    """Why an extension cannot be built here ("" when it can): the compiler, headers, mypyc."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]  # "gcc -pthread": gcc
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "no Python headers (Python.h)"
    if mypyc_command() is None:
        return "mypyc is not installed (pip install -e '.[compile]')"
    return ""


def build(root: Path = ROOT, prefix: Path | None = None) -> Path:
    """Build the extension into compiled_folder (a copy of the sources, built in a temporary
    folder and moved in whole, so a failed build leaves no folder); returns the folder."""
    target = compiled_folder(root, prefix)
    target.parents[1].parent.mkdir(parents=True, exist_ok=True)
    # built beside the target's folder, so that moving it in is one rename
    with tempfile.TemporaryDirectory(dir=target.parents[1].parent) as tmp:
        work = Path(tmp) / "src"
        copy_sources(root, work)
        for module in COMPILED:
            done = subprocess.run([mypyc_command() or "mypyc", "--ignore-missing-imports", module],
                                  cwd=work, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"mypyc failed on {module} (exit {done.returncode}):\n"
                                   f"{(done.stdout + done.stderr)[-3000:]}")
        done = subprocess.run([sys.executable, "-c", _BUILD_NATIVE, *NATIVE],
                              cwd=work, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"building {', '.join(NATIVE)} failed (exit {done.returncode}):\n"
                               f"{(done.stdout + done.stderr)[-3000:]}")
        built = Path(tmp) / "out" / "etl" / "transforms"
        built.mkdir(parents=True)
        for package in {(work / name).parent for name in (*COMPILED, *NATIVE)}:
            for path in [*package.glob("*.so"), *package.glob("*.pyd")]:  # Windows: .pyd
                shutil.copyfile(path, built / path.name)
        if not any(built.iterdir()):
            raise RuntimeError("mypyc wrote no extension module")
        os.replace(built.parents[1], target.parents[1])
    for old in target.parents[2].glob(f"{sys.implementation.cache_tag}-*"):
        if old != target.parents[1]:  # builds of earlier sources, which nothing loads now
            shutil.rmtree(old, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl.compile", description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when the extension cannot be built (default: say why and "
                             "leave the tagger and the normaliser as plain Python)")
    args = parser.parse_args(argv)
    target = compiled_folder()
    if target.is_dir() and not missing_modules(target):
        print(f"compiled transforms: up to date ({target.parents[1].name})")
        return 0
    if target.is_dir():  # not build()'s: it lacks a module, so it is made again whole
        print(f"compiled transforms: {target.parents[1].name} lacks "
              f"{', '.join(missing_modules(target))}; building it again")
        shutil.rmtree(target.parents[1])
    why = missing_tools()
    if not why:
        try:
            build()
        except (RuntimeError, OSError) as err:
            why = str(err)
    if why:
        print("compiled transforms: not built, the tagger and the normaliser run as plain "
              f"Python: {why}",
              file=sys.stderr)
        return 1 if args.strict else 0
    print(f"compiled transforms: built {target.parents[1].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
