"""config.load(): [tool.goport] from a real pyproject.toml, validated, then CLI overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from goport.config import DEFAULT_MAX_FILE_SIZE, Config, load
from goport.errors import ConfigError, InputError


def _project(tmp_path: Path, table: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\n\n[tool.goport]\n{table}\n', encoding="utf-8"
    )
    return root


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    config = load(tmp_path, {})
    assert config == Config(root=tmp_path)
    assert config.max_file_size == DEFAULT_MAX_FILE_SIZE
    assert config.rule_enabled("GP101")


def test_pyproject_without_tool_goport_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.other]\nkey = 1\n')
    assert load(tmp_path, {}) == Config(root=tmp_path)


def test_every_key_is_applied(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        'exclude = ["legacy/", "*_pb2.py"]\n'
        'select = ["gp1", "GP3"]\n'
        'ignore = ["GP105"]\n'
        "top = 7\n"
        "min-score = 12.5\n"
        "max-file-size = 2000\n"
        "jobs = 3\n"
        "history = false\n"
        "respect-gitignore = false\n"
        "\n[tool.goport.weights]\ncpu-bound = 2\nchurn = 0.5\n",
    )
    config = load(root, {})
    assert config.exclude == ("legacy/", "*_pb2.py")
    assert config.select == ("GP1", "GP3")  # ids are case-insensitive
    assert config.ignore == ("GP105",)
    assert config.top == 7
    assert config.min_score == 12.5
    assert config.max_file_size == 2000
    assert config.jobs == 3
    assert config.history is False
    assert config.respect_gitignore is False
    assert config.weight("cpu-bound") == 2.0
    assert config.weight("churn") == 0.5
    assert config.weight("size") == 1.0  # untouched weights stay neutral
    assert str(root / "pyproject.toml") in config.sources


@pytest.mark.parametrize(
    ("select", "ignore", "rule", "enabled"),
    [
        pytest.param(["GP1"], [], "GP101", True, id="selected-prefix"),
        pytest.param(["GP1"], [], "GP201", False, id="not-selected"),
        pytest.param([], ["GP101"], "GP101", False, id="ignored-id"),
        pytest.param([], ["GP101"], "GP102", True, id="other-id-not-ignored"),
        pytest.param(["GP1"], ["GP102"], "GP102", False, id="ignore-wins-over-select"),
    ],
)
def test_select_and_ignore_from_pyproject(
    tmp_path: Path, select: list[str], ignore: list[str], rule: str, enabled: bool
) -> None:
    root = _project(tmp_path, f"select = {select!r}\nignore = {ignore!r}\n".replace("'", '"'))
    assert load(root, {}).rule_enabled(rule) is enabled


def test_min_score_accepts_an_integer(tmp_path: Path) -> None:
    assert load(_project(tmp_path, "min-score = 40"), {}).min_score == 40


@pytest.mark.parametrize(
    ("table", "bad_key", "suggestion"),
    [
        pytest.param("exlude = []", "exlude", "exclude", id="exlude"),
        pytest.param("min_score = 10", "min_score", "min-score", id="snake-case"),
        pytest.param("tops = 3", "tops", "top", id="tops"),
        pytest.param("max-filesize = 10", "max-filesize", "max-file-size", id="max-filesize"),
    ],
)
def test_unknown_key_names_it_and_suggests_the_close_one(
    tmp_path: Path, table: str, bad_key: str, suggestion: str
) -> None:
    root = _project(tmp_path, table)
    with pytest.raises(ConfigError) as info:
        load(root, {})
    message = str(info.value)
    assert f"'{bad_key}'" in message
    assert f"did you mean '{suggestion}'" in message
    assert "pyproject.toml" in message


def test_unknown_key_without_a_close_match_lists_known_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(_project(tmp_path, "zzzzzz = 1"), {})
    message = str(info.value)
    assert "'zzzzzz'" in message
    assert "did you mean" not in message
    assert "exclude" in message and "min-score" in message


@pytest.mark.parametrize(
    ("table", "key"),
    [
        pytest.param('exclude = "legacy/"', "exclude", id="exclude-string-not-list"),
        pytest.param("exclude = [1, 2]", "exclude", id="exclude-list-of-ints"),
        pytest.param('select = "GP1"', "select", id="select-string"),
        pytest.param('top = "5"', "top", id="top-string"),
        pytest.param("top = true", "top", id="top-bool"),
        pytest.param("top = 2.5", "top", id="top-float"),
        pytest.param("top = 0", "top", id="top-zero"),
        pytest.param('min-score = "high"', "min-score", id="min-score-string"),
        pytest.param("min-score = 101", "min-score", id="min-score-above-100"),
        pytest.param("min-score = -1", "min-score", id="min-score-negative"),
        pytest.param("max-file-size = -5", "max-file-size", id="max-file-size-negative"),
        pytest.param('history = "no"', "history", id="history-string"),
        pytest.param("jobs = -1", "jobs", id="jobs-negative"),
        pytest.param("weights = 3", "weights", id="weights-not-a-table"),
        pytest.param('weights = {cpu-bound = "high"}', "cpu-bound", id="weight-string"),
        pytest.param("weights = {cpu-bound = -1}", "cpu-bound", id="weight-negative"),
        pytest.param("weights = {cpu-bound = true}", "cpu-bound", id="weight-bool"),
    ],
)
def test_wrong_types_are_errors_naming_the_key(tmp_path: Path, table: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        load(_project(tmp_path, table), {})


def test_unknown_weight_is_named_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(_project(tmp_path, "[tool.goport.weights]\ncpu-bond = 2"), {})
    message = str(info.value)
    assert "'cpu-bond'" in message
    assert "did you mean 'cpu-bound'" in message


def test_tool_goport_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\ngoport = "yes"\n')
    with pytest.raises(ConfigError, match=r"\[tool.goport\] must be a table"):
        load(tmp_path, {})


def test_broken_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.goport\nexclude = [\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path, {})
    assert str(tmp_path / "pyproject.toml") in str(info.value)
    assert "not valid TOML" in str(info.value)
    assert isinstance(info.value, InputError)  # the CLI maps it to exit code 2


def test_read_pyproject_false_skips_even_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.goport\n")
    assert load(tmp_path, {}, read_pyproject=False) == Config(root=tmp_path)


@pytest.mark.parametrize("key", ["exclude", "select", "ignore"])
def test_cli_list_values_extend_the_projects(tmp_path: Path, key: str) -> None:
    root = _project(tmp_path, f'{key} = ["GP1"]')
    config = load(root, {key: ("GP2",)})
    assert getattr(config, key) == ("GP1", "GP2")


def test_cli_scalars_override_the_project_and_none_keeps_it(tmp_path: Path) -> None:
    root = _project(tmp_path, "top = 5\nmin-score = 10")
    assert load(root, {"top": 2, "min_score": None}).top == 2
    assert load(root, {"top": 2, "min_score": None}).min_score == 10
    assert load(root, {"top": None}).top == 5


def test_unknown_override_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="colour"):
        load(tmp_path, {"colour": True})


def test_extraction_digest_changes_with_max_file_size(tmp_path: Path) -> None:
    a = load(tmp_path, {})
    b = load(tmp_path, {"max_file_size": 5})
    assert a.extraction_digest() == load(tmp_path, {}).extraction_digest()
    assert a.extraction_digest() != b.extraction_digest()


def test_weights_take_the_factor_names_reports_print(tmp_path: Path) -> None:
    table = "[tool.goport.weights]\nmeasured-time = 3\npython-ecosystem = 0.5\nused-widely = 0\n"
    config = load(_project(tmp_path, table), {})
    assert config.weight("measured-time") == 3.0
    assert config.weight("python-ecosystem") == 0.5
    assert config.weight("used-widely") == 0.0


def test_old_weight_names_still_work_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    table = "[tool.goport.weights]\ncpu = 2\nprofile = 3\necosystem = 0.5\ndensity = 1.5\n"
    with caplog.at_level("WARNING", logger="goport.config"):
        config = load(_project(tmp_path, table), {})
    assert config.weight("measured-time") == 3.0
    assert config.weight("python-ecosystem") == 0.5
    # cpu stood for the whole static estimate; a factor named too keeps its own weight
    assert config.weight("cpu-bound") == config.weight("loop-work") == 2.0
    assert config.weight("density") == 1.5
    warned = caplog.text
    for old, new in (
        ("cpu", "cpu-bound"),
        ("profile", "measured-time"),
        ("ecosystem", "python-ecosystem"),
    ):
        assert f"weight '{old}' is deprecated" in warned
        assert new in warned


def test_weight_flags_override_the_project(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.goport.weights]\nchurn = 0.5\nsize = 2\n")
    config = load(root, {"weights": ("size=0.25", "cpu-bound=3")})
    assert dict(config.weights) == {"churn": 0.5, "size": 0.25, "cpu-bound": 3.0}


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        pytest.param("cpu-bond=2", ["'cpu-bond'", "did you mean 'cpu-bound'"], id="typo"),
        pytest.param("size", ["NAME=NUMBER"], id="no-value"),
        pytest.param("size=big", ["NAME=NUMBER"], id="not-a-number"),
        pytest.param("size=-1", ["'size'", "from 0 to"], id="negative"),
    ],
)
def test_bad_weight_flags_are_errors(tmp_path: Path, flag: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        load(_project(tmp_path, ""), {"weights": (flag,)})
    for word in words:
        assert word in str(info.value)
