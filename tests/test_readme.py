"""The README documents every environment variable that settings.py reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "onex" / "settings.py"
README = ROOT / "README.md"

# env_str("X"…), env_bool("X"…), env_int, env_list, env_secret, os.environ.get("X"…)
READ = re.compile(r"""(?:env_\w+|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_variables() -> set[str]:
    names = set(READ.findall(SETTINGS.read_text(encoding="utf-8")))
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG"} <= names  # the pattern still matches
    return names


def test_every_setting_variable_is_in_the_readme_configuration_table() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = sorted(name for name in settings_variables() if f"`{name}`" not in readme)
    assert not missing, f"add these to the README configuration table: {missing}"


def test_every_secret_file_variant_is_in_the_readme() -> None:
    secrets = re.findall(
        r"""env_secret\(\s*["']([A-Z][A-Z0-9_]*)["']""", SETTINGS.read_text("utf-8")
    )
    readme = README.read_text(encoding="utf-8")
    missing = sorted(f"{name}_FILE" for name in secrets if f"`{name}_FILE`" not in readme)
    assert not missing, f"add these to the README configuration table: {missing}"


def test_readme_starts_with_make_run_then_make_test() -> None:
    commands = re.findall(r"^make \w+", README.read_text(encoding="utf-8"), flags=re.M)
    assert commands[:2] == ["make run", "make test"]


# A repository path the README names: dirs end with "/", files have a known suffix.
PATH = re.compile(
    r"(?<![\w/:.@<>-])("
    r"(?:\.?[A-Za-z0-9_-]+/)*\.?[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
    r"\.(?:md|py|toml|json|sh|txt|ya?ml|cfg|lock|html|css|js)\b"
    r"|(?:\.?[A-Za-z0-9_-]+/)+(?:\.?[A-Za-z0-9_-]+\b(?!/))?"
    r")"
)
# Words with a slash or a suffix that name no file: a standard's prefix, font types, a product.
NOT_PATHS = {"GB/T", ".ttc/.otf/.ttf", "Node.js", "import/export"}
RUNTIME = ("var/", ".venv/", "node_modules/")  # created by `make run`, not in the repository


def readme_paths() -> set[str]:
    text = README.read_text(encoding="utf-8")
    return {p for p in PATH.findall(text) if p not in NOT_PATHS and not p.startswith(RUNTIME)}


def _exists(name: str) -> bool:
    # The tree lists app folders under src/onex/ and guides under docs/; the layout paragraph
    # names per-app files (``services.py``), which must exist in at least one app.
    for base in (ROOT, ROOT / "src" / "onex", ROOT / "docs"):
        if (base / name).exists():
            return True
    if "/" not in name.rstrip("/"):
        stem = name.rstrip("/").removesuffix(".py")
        apps = (ROOT / "src" / "onex").iterdir()
        return any((a / name).exists() or (a / stem).is_dir() for a in apps if a.is_dir())
    return False


def test_every_path_the_readme_names_exists() -> None:
    paths = readme_paths()
    assert {"docs/operations.md", "tests/personas.py", ".ci/run"} <= paths  # the pattern matches
    missing = sorted(p for p in paths if not _exists(p))
    assert not missing, f"the README names files the repository lacks: {missing}"


def test_readme_states_how_long_the_first_make_run_takes() -> None:
    text = README.read_text(encoding="utf-8")
    chinese, english = text.split("## English", 1)
    assert re.search(r"首次\s*`make run`\s*约\s*\d+\s*秒", chinese)
    assert re.search(r"first\s+`make run`\s+takes\s+about\s+\d+\s+s\b", english)
