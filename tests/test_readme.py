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
