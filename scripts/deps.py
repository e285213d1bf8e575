"""Print pyproject.toml's dependencies, one per line, for `make lock`: `runtime` (what `make run` and the
Docker image install) or `dev` (the development and test tools on top)."""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
group = sys.argv[1] if len(sys.argv) > 1 else "runtime"
requirements = project["dependencies"] if group == "runtime" else project["optional-dependencies"][group]
for requirement in requirements:
    print(requirement)
