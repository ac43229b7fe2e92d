"""Fixtures for the compatibility suite: the official comet-ml SDK (3.58.8) against `arty serve`.

Nothing is built here: the arty binary comes from ARTY_BIN (default .build/debug/arty), the dataset
from SKLEARN_DATA (set up by scripts/compat-test.sh). The SDK runs with the environment of
reference §5.4: COMET_URL_OVERRIDE, a dummy key, COMET_ERROR_TRACKING_ENABLE=false, an empty HOME.
"""
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTY_BIN = os.environ.get("ARTY_BIN", str(ROOT / ".build/debug/arty"))
API_KEY = "compat-dummy-key"
WORKSPACE = "compat-ws"

# The SDK reads its configuration from the environment: set it before comet_ml is imported.
_HOME = tempfile.mkdtemp(prefix="arty-compat-home-")
os.environ["HOME"] = _HOME
os.environ["COMET_ERROR_TRACKING_ENABLE"] = "false"
os.environ["COMET_API_KEY"] = API_KEY
os.environ["COMET_WORKSPACE"] = WORKSPACE
os.environ.pop("COMET_CONFIG", None)
for name in ("COMET_AUTO_LOG_ENV_DETAILS", "COMET_AUTO_LOG_GIT_METADATA", "COMET_AUTO_LOG_GIT_PATCH"):
    os.environ[name] = "false"


class Server:
    """A running `arty serve` process."""

    def __init__(self, data_dir, api_key=API_KEY):
        self.data_dir = pathlib.Path(data_dir)
        self.api_key = api_key
        self.proc = None
        self.url_override = None
        self.port = None

    def start(self):
        args = [ARTY_BIN, "serve", "--data", str(self.data_dir), "--port", "0"]
        if self.api_key is not None:
            args += ["--api-key", self.api_key]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("arty serve exited: " + self.proc.stderr.read())
            m = re.match(r"COMET_URL_OVERRIDE=(http://[^:]+:(\d+)/clientlib/)$", line.strip())
            if m:
                self.url_override, self.port = m.group(1), int(m.group(2))
                return self
        raise RuntimeError("arty serve printed no COMET_URL_OVERRIDE line")

    @property
    def rest(self):
        return f"http://127.0.0.1:{self.port}/api/rest/v2/"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The registry for the whole session; the SDK's environment points at it."""
    srv = Server(tmp_path_factory.mktemp("registry") / "data").start()
    os.environ["COMET_URL_OVERRIDE"] = srv.url_override
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def sklearn_data():
    """The dataset files shipped in the scikit-learn wheel: data/*.csv* and images/*.jpg."""
    root = pathlib.Path(os.environ.get("SKLEARN_DATA", ROOT / ".cache-compat/sklearn-data/sklearn/datasets"))
    if not (root / "data").is_dir():
        pytest.fail(f"dataset files missing at {root}: run scripts/compat-test.sh")
    return root


def real_files(root):
    """{logical path relative to root: bytes} for every regular file below root."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def new_experiment(project="compat", workspace=WORKSPACE):
    """An Experiment with every auto-logging option off (faster, fewer unrelated calls)."""
    import comet_ml

    return comet_ml.Experiment(
        project_name=project,
        workspace=workspace,
        log_code=False,
        log_graph=False,
        auto_param_logging=False,
        auto_metric_logging=False,
        auto_output_logging=None,
        log_env_details=False,
        log_git_metadata=False,
        log_git_patch=False,
        log_env_gpu=False,
        log_env_host=False,
        log_env_cpu=False,
        log_env_network=False,
        log_env_disk=False,
        display_summary_level=0,
    )


def api(key=API_KEY):
    import comet_ml

    return comet_ml.API(api_key=key, cache=False)
