"""End-to-end: the real `arty` TUI in tmux, browsing a registry seeded by the official SDK.

The registry holds what the `logged` fixture logged through comet_ml 3.58.8 (the scikit-learn
dataset in three versions, with aliases, version tags and remote links). The test drives arty
with tmux send-keys and asserts on capture-pane text, like a person reading the screen.
"""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest

from conftest import API_KEY, ARTY_BIN, DATASET, WORKSPACE

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One private tmux server (-L) running one arty process."""

    def __init__(self, command, env, width=100, height=30, cwd=None):
        self.socket = "arty-e2e-" + uuid.uuid4().hex[:8]
        args = ["tmux", "-L", self.socket, "new-session", "-d", "-x", str(width), "-y", str(height)]
        if cwd:
            args += ["-c", str(cwd)]
        # The tmux server (and so arty) gets exactly this environment, not pytest's (which holds
        # the SDK's COMET_* settings).
        clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
        subprocess.run(args + [command], check=True, env=clean)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def keys(self, *keys):
        for k in keys:
            self.tmux("send-keys", "-t", "0", k)
            time.sleep(0.15)

    def type(self, text):
        self.tmux("send-keys", "-t", "0", "-l", text)
        time.sleep(0.15)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "0")

    def wait_for(self, pattern, timeout=15.0):
        """Waits until the screen matches `pattern` (a regex); returns the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"screen never matched {pattern!r}:\n{screen}")

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "0", "-x", str(width), "-y", str(height))
        time.sleep(0.3)

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def column(screen, index):
    """The text of the Miller column `index` (0 = parent, 1 = current, 2 = preview) on each line."""
    out = []
    for line in screen.splitlines()[1:]:
        parts = line.split("│")
        if len(parts) > index:
            out.append(parts[index])
    return out


@pytest.fixture
def arty_env(server, logged):
    home = tempfile.mkdtemp(prefix="arty-e2e-home-")
    return {
        "HOME": home,
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "COMET_URL_OVERRIDE": server.url_override,
        "COMET_API_KEY": API_KEY,
        "XDG_DATA_HOME": os.path.join(home, "data"),
    }


def test_drill_down_filter_sort_and_resize(arty_env):
    t = Tmux(ARTY_BIN, arty_env)
    try:
        t.wait_for(r"Workspaces \(\d+\)")
        # Filter the workspaces pane to the SDK's workspace; Enter keeps the filter and selects
        # the first match, a second Enter drills in.
        t.keys("/")
        t.type(WORKSPACE)
        t.keys("Enter")
        t.wait_for(r"›" + re.escape(WORKSPACE))
        t.keys("Enter")
        screen = t.wait_for(re.escape(DATASET))
        assert "dataset" in screen  # the artifact type column
        t.keys("/")
        t.type("sklearn")
        t.keys("Enter", "Enter")
        # Versions, newest first; the alias "production" moved from 1.0.0 to 2.1.0.
        screen = t.wait_for(r"Versions \(3\)")
        middle = column(screen, 1)
        order = [m.group(1) for l in middle if (m := re.match(r"[› ]([12]\.\d\.0)\b", l))]
        assert order[:3] == ["2.1.0", "2.0.0", "1.0.0"], screen
        assert re.search(r"2\.1\.0.*production", screen), screen
        # Open 1.0.0 (the bottom row): local files with sizes, remote links marked as remote.
        t.keys("G", "Enter")
        screen = t.wait_for(r"Assets \(\d+\)")
        assert re.search(r"data/breast_cancer\.csv\s+\d+(\.\d)? KiB", screen), screen
        t.keys("/")
        t.type("remote/")
        t.keys("Enter")
        screen = t.wait_for(r"Assets \(3/16\)")
        # A remote asset shows its link and "remote" (never "0 B"), marked by ↗ as well as colour.
        remote_rows = [l for l in column(screen, 1) if "remote/iris.parquet" in l]
        assert remote_rows, screen
        assert re.search(r"↗\s+remote/iris\.parquet → s3://arty-demo-\S*\s+remote\s*$", remote_rows[0]), screen
        assert not re.search(r"iris\.parquet.*\b0 B\b", screen), screen
        # The preview of the selected remote asset names its whole link.
        t.keys("j")
        preview = "".join(l.strip() for l in column(t.wait_for(r"Link"), 2))
        assert "s3://arty-demo-bucket/raw/iris.parquet" in preview, screen
        # Sort by the next field and reverse: the title names the sort key and direction.
        t.keys("Escape")
        title_before = t.wait_for(r"Assets \(\d+\) · \w+ [↑↓]")
        key_before = re.search(r"Assets \(\d+\) · (\w+) ([↑↓])", title_before).groups()
        t.keys("s")
        key_after = re.search(r"Assets \(\d+\) · (\w+) ([↑↓])", t.wait_for(r"Assets \(\d+\) · \w+")).groups()
        assert key_after[0] != key_before[0]
        t.keys("S")
        key_reversed = re.search(r"Assets \(\d+\) · (\w+) ([↑↓])", t.wait_for(r"Assets \(\d+\) · \w+")).groups()
        assert key_reversed[0] == key_after[0] and key_reversed[1] != key_after[1]
        # Resize to 30×8 (below the minimum) and back: the screen says so, then redraws fully.
        t.resize(30, 8)
        small = t.wait_for(r"too small")
        assert "30×8" in small.replace("x", "×"), small
        t.resize(100, 30)
        back = t.wait_for(r"Assets \(\d+\)")
        assert DATASET in back and "1.0.0" in back, back
        t.keys("q")
    finally:
        t.close()


def test_starts_in_the_configured_workspace(arty_env):
    env = dict(arty_env, COMET_WORKSPACE=WORKSPACE)
    t = Tmux(ARTY_BIN, env)
    try:
        screen = t.wait_for(re.escape(DATASET))
        assert WORKSPACE in screen.splitlines()[0], screen
        t.keys("q")
    finally:
        t.close()


def test_mark_three_assets_in_a_folder_and_download_exactly_those(arty_env, logged, tmp_path):
    """Space marks three files of data/ in the tree view; d downloads those three and nothing else."""
    t = Tmux(ARTY_BIN, dict(arty_env, COMET_WORKSPACE=WORKSPACE), width=120, height=32, cwd=tmp_path)
    try:
        t.wait_for(re.escape(DATASET))
        t.keys("/")
        t.type("sklearn")
        t.keys("Enter", "Enter")
        t.wait_for(r"Versions \(3\)")
        t.keys("G", "Enter")  # 1.0.0, the oldest: data/, images/, remote/
        t.wait_for(r"Assets \(\d+\)")
        t.keys("T")
        t.wait_for(r"›\s+data/")
        t.keys("Enter")
        screen = t.wait_for(r"Assets /data/")
        # The files of data/ in the order shown (the cursor is on the first).
        files = [m.group(1) for l in column(screen, 1) if (m := re.match(r"[› ][ *]\s+(\S+)\s+[\d.]+ (?:B|KiB|MiB)\b", l))]
        assert len(files) >= 3, screen
        t.keys("Space", "Space", "Space")
        screen = t.wait_for(r"3 marked · ")
        marked_rows = [l for l in column(screen, 1) if re.match(r"[› ]\*", l)]
        assert len(marked_rows) == 3, screen
        t.keys("d")
        t.wait_for(r"Download 3 marked assets of " + re.escape(DATASET) + r":1\.0\.0")
        t.keys("Right", "Enter")
        t.wait_for(r"Downloaded 3 files", timeout=30)
        t.keys("q")
    finally:
        t.close()
    dest = tmp_path / f"{DATASET}-1.0.0"
    got = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file() and ".arty" not in p.parts)
    want = sorted(f"data/{name}" for name in files[:3])
    assert got == want
    for path in want:
        assert (dest / path).read_bytes() == logged["v1"][path], path


ACTIONS_WS = "tui-actions-ws"
ACTIONS_ARTIFACT = "tui-model"


@pytest.fixture
def actions_artifact(server, tmp_path):
    """Two versions logged by the SDK in a workspace of their own (the other tests' data stays)."""
    import comet_ml

    from conftest import new_experiment

    files = tmp_path / "files"
    (files / "weights").mkdir(parents=True)
    (files / "weights" / "model.bin").write_bytes(bytes(range(256)) * 400)
    (files / "config.json").write_text('{"layers": 4}')
    exp = new_experiment(workspace=ACTIONS_WS)
    for version, alias in (("1.0.0", "production"), ("1.1.0", "staging")):
        art = comet_ml.Artifact(ACTIONS_ARTIFACT, "model", version=version, aliases=[alias], version_tags=["v" + version])
        art.add(str(files), logical_path="model")
        art.add_remote("s3://arty-demo-bucket/model/card.md", logical_path="card.md", sync_mode=False)
        exp.log_artifact(art)
    exp.end()
    return files


def test_alias_tag_and_bump_by_key_are_seen_by_the_sdk(arty_env, actions_artifact):
    from conftest import api

    t = Tmux(ARTY_BIN, dict(arty_env, COMET_WORKSPACE=ACTIONS_WS), width=120, height=32)
    try:
        t.wait_for(re.escape(ACTIONS_ARTIFACT))
        t.keys("Enter")
        t.wait_for(r"Versions \(2\)")  # newest first: 1.1.0 is selected
        # a: add "production" to 1.1.0; the review shows the move away from 1.0.0.
        t.keys("a")
        t.wait_for(r"Aliases of " + re.escape(ACTIONS_ARTIFACT) + r":1\.1\.0")
        t.type(" production")
        t.keys("Enter")
        t.wait_for(r"production: 1\.0\.0 → 1\.1\.0")
        t.keys("Right", "Enter")
        t.wait_for(r"Saved aliases")
        # t: add the version tag "reviewed" to 1.1.0.
        t.keys("t")
        t.wait_for(r"Version tags of " + re.escape(ACTIONS_ARTIFACT) + r":1\.1\.0")
        t.type(" reviewed")
        t.keys("Enter")
        t.wait_for(r"reviewed")
        t.keys("Right", "Enter")
        t.wait_for(r"Saved ")
        # b: bump 1.1.0 to the next minor version, carrying its assets.
        t.keys("b")
        t.wait_for(r"1\.1\.0 → 1\.2\.0")
        t.keys("Right", "Enter")
        t.wait_for(r"Created " + re.escape(ACTIONS_ARTIFACT) + r":1\.2\.0")
        t.wait_for(r"Versions \(3\)")
        t.keys("q")
    finally:
        t.close()

    sdk = api()
    v110 = sdk.get_artifact(ACTIONS_WS, ACTIONS_ARTIFACT, version="1.1.0")
    v100 = sdk.get_artifact(ACTIONS_WS, ACTIONS_ARTIFACT, version="1.0.0")
    assert "production" in v110.aliases and "staging" in v110.aliases
    assert "production" not in v100.aliases
    assert "reviewed" in v110.version_tags and "v1.1.0" in v110.version_tags
    v120 = sdk.get_artifact(ACTIONS_WS, ACTIONS_ARTIFACT, version="1.2.0")
    assert "production" not in v120.aliases  # aliases are carried only on request
    assert set(v120.version_tags) == set(v110.version_tags)

    def assets(v):
        return sorted((a.logical_path, a.size, a.remote, a.link) for a in v.assets)

    assert assets(v120) == assets(v110)
    out = arty_env["HOME"] + "/dl"
    v120.download(out)
    assert (pathlib.Path(out) / "model/weights/model.bin").read_bytes() == bytes(range(256)) * 400
    assert (pathlib.Path(out) / "model/config.json").read_text() == '{"layers": 4}'
