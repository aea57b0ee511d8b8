"""``goport scaffold`` for real: the Go it writes passes gofmt, go vet and go build as written,
for every Go candidate of the demo project and for a project whose names are hostile; it writes
only under --out, keeps the impl.go a user edits, and says which modules it can scaffold."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest
from golang import GoTool

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"
Goport = Callable[..., subprocess.CompletedProcess[str]]


def test_every_demo_candidate_scaffolds_and_builds(
    goport: Goport, go_tool: GoTool, tmp_path: Path, cache_dir: Path
) -> None:
    plan = goport("plan", DEMO, "--format", "json", "--cache-dir", cache_dir, "-q")
    assert plan.returncode == 0, plan.stderr
    steps = json.loads(plan.stdout)["steps"]
    out = tmp_path / "port"
    done = goport("scaffold", "--all", "--root", DEMO, "--out", out, "--cache-dir", cache_dir, "-q")
    assert done.returncode == 0, done.stderr
    packages = sorted(p.parent.name for p in out.glob("*/impl.go"))
    assert len(packages) == len(steps) >= 7
    for step in steps:  # each step's lead module names a package with the strategy's command
        name = Path(step["modules"][0]).stem
        assert (out / name / "cmd" / name / "main.go").is_file(), name
    assert (out / "go.mod").read_text() == "module goport.local/demo-service\n\ngo 1.19\n"
    go_tool.checks(out)  # no golden files yet: the replays skip
    # the wiring follows the strategy
    assert "net/http" in (out / "api" / "cmd" / "api" / "main.go").read_text()
    assert (
        "//export GoportCall" in (out / "tokenizer" / "cmd" / "tokenizer" / "main.go").read_text()
    )
    assert (
        "bufio.NewScanner(os.Stdin)"
        in (out / "workers" / "cmd" / "workers" / "main.go").read_text()
    )
    assert not list(DEMO.rglob("*.go")), "nothing is written into the scanned tree"


HOSTILE_KERNEL = dedent(
    '''
    """Kernels with hostile names. */ // +build ignore
    //go:generate rm -rf /
    """
    from __future__ import annotations

    from collections.abc import Iterator
    from dataclasses import dataclass
    from enum import Enum


    class PyError(Exception):
        """Clashes with the runtime's PyError. */ ``quoted''"""


    class Dispatch(Enum):
        A = 'say "hi"\\\\ */'
        B = "line\\nbreak\\u2028sep\\udcff"
        a = "lower"


    @dataclass
    class record:
        """  indented doc"""

        type: int
        Type: str
        func: list[tuple[int, str]]
        naïve: float


    def type(data: bytes, len: int = 3, *args: int, ctx: str = "\\n*/", **kwargs: float) -> tuple[int, str]:
        """Named like a builtin. */"""
        h = 0
        for b in data:
            for i in range(len):
                h = (h * 31 + b + i) & 0xFFFFFFFF
        return h, ctx


    def func(fmt: str, err: int, string: str, items: list[int]) -> list[int]:
        out = []
        for i in items:
            for j in range(err):
                out.append((i * j) ^ 0x5F)
        return out


    def naïve(ü: str, go: int = 0x7FFFFFFFFFFFFFFF) -> dict[tuple[int, int], list[bytes]]:
        out: dict[tuple[int, int], list[bytes]] = {}
        for i, ch in enumerate(ü):
            for k in range(3):
                out.setdefault((i, k), []).append(ch.encode())
        return out


    def a_b(x: int) -> int:
        t = 0
        for i in range(x):
            t ^= i * 7
        return t


    def aB(x: int) -> int:
        t = 0
        for i in range(x):
            t += i << 2
        return t


    def dispatch(x: int) -> int:
        t = 0
        for i in range(x):
            t += i % 5
        return t


    def err_not_implemented(x: int) -> int:
        t = 0
        for i in range(x):
            t -= i
        return t


    def gen(n: int) -> Iterator[tuple[int, int]]:
        for i in range(n):
            yield i, i * i


    def kinds(flag: Dispatch, rec: record, err: PyError | None = None) -> Dispatch:
        for _ in range(3):
            if rec.type > 3:
                raise PyError("too big")
        return flag


    class Stateful:
        """A class with state. */"""

        def __init__(self, ctx: int, items: int = 2) -> None:
            self.type = ctx
            self.items = [0] * items

        def method(self, recv: int, s: int) -> Stateful:
            for i in range(recv):
                self.items.append(i * s)
            return self

        def walk(self, items: int) -> Iterator[int]:
            for i in range(items):
                yield i ^ self.type

        @staticmethod
        def helper(x: int) -> int:
            t = 0
            for i in range(x):
                t += i ^ 3
            return t

        @classmethod
        def make(cls, n: int) -> Stateful:
            return cls(n)

        def read_byte(self) -> int:
            for i in range(8):
                self.type ^= i
            return self.type

        def scan(self, items: list[int]) -> None:
            for i in items:
                self.items.append(i * 3)


    def test_golden(x: int) -> int:
        t = 0
        for i in range(x):
            t += i * 5
        return t
    '''
)
HOSTILE_USER = dedent(
    """
    from hostile.kernel import PyError, Stateful, a_b, aB, dispatch, err_not_implemented
    from hostile.kernel import func, gen, kinds, naïve, record, type, Dispatch, test_golden


    def run(lines: list[bytes]) -> int:
        total = 0
        for line in lines:
            for size in range(4):
                total += type(line, size)[0] + a_b(size) + aB(size) + dispatch(size)
                total += err_not_implemented(size) + len(func("x", size, "s", [1, 2]))
                total += len(naïve("ab")) + sum(a for a, _b in gen(size))
                s = Stateful(size).method(2, 3)
                total += sum(s.walk(3)) + Stateful.helper(size) + Stateful.make(size).type
                total += s.read_byte() + test_golden(size)
                s.scan([size])
                try:
                    kinds(Dispatch.A, record(size, "t", [], 0.5))
                except PyError:
                    total += 1
        return total
    """
)

#: nothing imports it and it has no public name: its private functions are its boundary
HOSTILE_SOLO = dedent(
    """
    def _init(x: int) -> int:
        t = 0
        for i in range(x):
            for j in range(x):
                t ^= (i * j) & 0xFFFF
        return t


    def _a0(x: int) -> int:
        t = 0
        for i in range(x):
            for j in range(x):
                t += (i << 3) ^ j
        return t


    def _err(data: bytes) -> int:
        t = 0
        for b in data:
            for k in range(8):
                t += (b >> k) & 1
        return t


    if __name__ == "__main__":
        print(_init(100) + _a0(100) + _err(b"abc"))
    """
)


@pytest.fixture
def hostile(make_tree: Callable[..., Path]) -> Path:
    return make_tree(
        {
            "pyproject.toml": '[project]\nname = "hostile"\nversion = "0"\n',
            "hostile/__init__.py": "",
            "hostile/kernel.py": HOSTILE_KERNEL,
            "hostile/user.py": HOSTILE_USER,
            "hostile/solo.py": HOSTILE_SOLO,
        },
        under="hostile-proj",
    )


def test_hostile_names_build(
    goport: Goport, go_tool: GoTool, hostile: Path, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "port"
    done = goport(
        "scaffold", "--all", "--root", hostile, "--out", out, "--cache-dir", cache_dir, "-q"
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.parent.name for p in out.glob("*/impl.go")) == ["kernel", "solo", "user"]
    go_tool.checks(out)  # no golden files yet: the replays skip
    impl = (out / "kernel" / "impl.go").read_text()
    types = (out / "kernel" / "types.go").read_text()
    # no comment line a name could break out of, no directive a docstring could plant
    for text in (impl, types, (out / "kernel" / "dispatch.go").read_text()):
        assert "\n//go:generate" not in text and "+build" not in text
        assert "\u2028" not in text and "\x00" not in text
    assert (
        "func Type(data []byte, len_ int, args []int, ctx string, kwargs map[string]float64)"
        in impl
    )
    assert "func Func(fmt_ string, err int, string_ string, items []int)" in impl
    assert "func Dispatch3(" in impl and "func ErrNotImplemented2(" in impl  # runtime names kept
    assert "type PyError2 struct" in types and 'return "PyError"' in types
    # go vet holds ReadByte, Scan... to io's and fmt's signatures: the port's take other names
    assert ") ReadByte2() (int, error)" in impl and ") Scan2(items []int) error" in impl
    assert "func TestGolden2(x int)" in impl  # golden_test.go's own test keeps its name
    solo = (out / "solo" / "impl.go").read_text()  # no start-up init, no shadowed wrapper local
    assert "func init2(x int)" in solo and "func a0_(x int)" in solo
    assert "func err2(data []byte)" in solo
    assert '"line\\u000abreak\\u2028sep\\xff"' in types  # a surrogate-escaped byte is that byte
    assert (
        "Type2     string" in types and '`json:"Type"`' in types
    )  # unique fields, JSON names kept


BIND_TEST = """package kernel

import (
	"encoding/json"
	"testing"
)

func TestBind(t *testing.T) {
	fn, err := goportLookup("type")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args, want string
		kwargs     map[string]json.RawMessage
	}{
		{`["YQ==", 4, 1, 2, "k"]`, `["YQ==",4,[1,2],"k",{}]`, nil},
		{`["YQ=="]`, `["YQ==",3,[],"k",{"x":1.5}]`, map[string]json.RawMessage{"ctx": []byte(`"k"`), "x": []byte(`1.5`)}},
		{`["YQ=="]`, `["YQ==",3,[],"\\n*/",{}]`, nil},
	}
	for _, c := range cases {
		var args []json.RawMessage
		if err := json.Unmarshal([]byte(c.args), &args); err != nil {
			t.Fatal(err)
		}
		bound, err := goportBind(fn.params, args, c.kwargs)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(bound); string(got) != c.want {
			t.Errorf("%s: got %s, want %s", c.args, got, c.want)
		}
	}
	if _, err := goportBind(fn.params, nil, nil); err == nil || err.Error() != `TypeError: missing required argument "data"` {
		t.Errorf("no arguments: %v", err)
	}
}
"""


def test_arguments_bind_as_python_and_the_shim_send_them(
    goport: Goport, go_tool: GoTool, hostile: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """A golden case records keyword-only arguments by name, the shim sends them after the
    positional ones: dispatch binds both to ``type(data, len=3, *args, ctx="\\n*/", **kwargs)``."""
    out = tmp_path / "port"
    args = ("scaffold", "hostile.kernel", "--root", hostile, "--out", out, "--cache-dir", cache_dir)
    assert goport(*args).returncode == 0
    (out / "kernel" / "bind_test.go").write_text(BIND_TEST)
    done = go_tool.run("test", "-run", "TestBind", "./kernel/", cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr


def test_impl_go_is_kept_unless_forced(
    goport: Goport, hostile: Path, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "port"
    args = ("scaffold", "hostile/kernel.py", "--out", out, "--cache-dir", cache_dir, "-q")
    assert goport(*args, cwd=hostile).returncode == 0
    impl = out / "kernel" / "impl.go"
    impl.write_text("package kernel\n\n// mine\n")
    again = goport(*args, cwd=hostile)
    assert again.returncode == 2
    assert "impl.go: already there" in again.stderr and "--force" in again.stderr
    assert impl.read_text() == "package kernel\n\n// mine\n"
    forced = goport(*args, "--force", cwd=hostile)
    assert forced.returncode == 0, forced.stderr
    assert "ErrNotImplemented" in impl.read_text()
    assert sorted(p.name for p in (out / "kernel").iterdir()) == [
        "cmd",
        "dispatch.go",
        "golden_test.go",
        "impl.go",
        "types.go",
    ]
    assert not list(hostile.rglob("*.go"))


def test_a_module_that_stays_in_python_is_named_with_the_candidates(
    goport: Goport, make_tree: Callable[..., Path], hostile: Path, tmp_path: Path, cache_dir: Path
) -> None:
    (hostile / "hostile" / "settings.py").write_text("DEBUG = False\n")
    out = tmp_path / "port"
    done = goport(
        "scaffold", "hostile.settings", "--out", out, "--root", hostile, "--cache-dir", cache_dir
    )
    assert done.returncode == 2
    assert "hostile.settings is not a Go candidate" in done.stderr
    assert "hostile.kernel (hostile/kernel.py, step 1)" in done.stderr
    missing = goport(
        "scaffold", "hostile.nowhere", "--out", out, "--root", hostile, "--cache-dir", cache_dir
    )
    assert missing.returncode == 2 and "no module hostile.nowhere" in missing.stderr
    neither = goport("scaffold", "--out", out, "--root", hostile, "--cache-dir", cache_dir)
    assert neither.returncode == 2 and "--all" in neither.stderr
    assert not out.exists()


def test_readme_sample_is_real_output(goport: Goport, tmp_path: Path, cache_dir: Path) -> None:
    """The README's scaffold sample is what goport prints and writes for the strangler demo."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("$ goport scaffold textkit.fnv --out ../textkit-port\n", 1)[1]
    sample = sample.split("\n```\n", 1)[0]
    printed, rest = sample.split("\n$ sed ", 1)
    stub, refused = rest.split("\n", 1)[1].split("\n$ goport scaffold textkit.indexer", 1)
    project = tmp_path / "strangler_demo"
    shutil.copytree(ROOT / "fixtures" / "strangler_demo", project)
    args = ("--out", "../textkit-port", "--cache-dir", cache_dir, "-q")
    done = goport("scaffold", "textkit.fnv", *args, cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n") == printed
    assert stub in (tmp_path / "textkit-port" / "fnv" / "impl.go").read_text()
    said = goport("scaffold", "textkit.indexer", *args, cwd=project).stderr.strip()
    head, tail = refused.split("\n", 1)[1].split("...", 1)
    assert said.startswith(head) and said.endswith(tail), said


def test_an_existing_go_mod_is_kept_as_it_is(
    goport: Goport, hostile: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """Packages scaffolded one at a time into one module: the go.mod the user has grown
    (requirements, a newer go line) is neither rewritten nor trimmed."""
    out = tmp_path / "port"
    go_mod = "module example.com/port\n\ngo 1.22\n\nrequire golang.org/x/sync v0.7.0\n"
    out.mkdir()
    (out / "go.mod").write_text(go_mod)
    args = ("--root", hostile, "--out", out, "--cache-dir", cache_dir, "-q")
    assert goport("scaffold", "hostile.solo", *args).returncode == 0
    assert (out / "go.mod").read_text() == go_mod
    assert '"example.com/port/solo"' in (out / "solo" / "cmd" / "solo" / "main.go").read_text()
