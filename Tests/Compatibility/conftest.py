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
# No AWS credentials or endpoints leak in from the machine: remote s3:// links are read only where a
# test gives credentials on purpose (test_s3_remote.py, against moto on loopback).
for name in [n for n in os.environ if n.startswith("AWS_")]:
    os.environ.pop(name)
for name in ("COMET_AUTO_LOG_ENV_DETAILS", "COMET_AUTO_LOG_GIT_METADATA", "COMET_AUTO_LOG_GIT_PATCH"):
    os.environ[name] = "false"


class Server:
    """A running `arty serve` process."""

    def __init__(self, data_dir, api_key=API_KEY, extra_args=()):
        self.data_dir = pathlib.Path(data_dir)
        self.api_key = api_key
        self.extra_args = list(extra_args)
        self.proc = None
        self.url_override = None
        self.port = None

    def start(self):
        args = [ARTY_BIN, "serve", "--data", str(self.data_dir), "--port", "0"]
        if self.api_key is not None:
            args += ["--api-key", self.api_key]
        args += self.extra_args
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("arty serve exited: " + self.proc.stderr.read())
            m = re.match(r"COMET_URL_OVERRIDE=(https?://[^:]+:(\d+)/clientlib/)$", line.strip())
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


DATASET = "sklearn-datasets"
MODEL = "tiny model 模型 v"  # spaces and CJK: exercises the double-encoded artifactName
REMOTES = {
    "remote/iris.parquet": "s3://arty-demo-bucket/raw/iris.parquet",
    "remote/digits.csv": "gs://arty-demo-bucket/digits.csv",
    "remote/README.txt": "https://example.invalid/sklearn/README.txt",
}


@pytest.fixture(scope="session")
def logged(server, sklearn_data, tmp_path_factory):
    """Logs three versions of a dataset artifact and one model artifact; returns what was sent."""
    import comet_ml

    data = real_files(sklearn_data / "data")
    images = real_files(sklearn_data / "images")
    expected_v1 = {f"data/{k}": v for k, v in data.items()}
    expected_v1.update({f"images/{k}": v for k, v in images.items()})

    # A small second version: three files under a nested folder of a scratch copy.
    scratch = tmp_path_factory.mktemp("v2")
    small = dict(sorted(data.items())[:3])
    for name, blob in small.items():
        target = scratch / "tables" / "nested" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    expected_v2 = {f"v2/tables/nested/{k}": v for k, v in small.items()}

    model_file = tmp_path_factory.mktemp("model") / "weights.bin"
    model_bytes = bytes((i * 31 + 7) % 251 for i in range(300_000))
    model_file.write_bytes(model_bytes)

    exp = new_experiment()
    v1 = comet_ml.Artifact(DATASET, "dataset", version="1.0.0", aliases=["production"],
                           version_tags=["sklearn", "csv"], metadata={"source": "scikit-learn wheel", "files": len(expected_v1)})
    v1.add(str(sklearn_data / "data"), logical_path="data")
    v1.add(str(sklearn_data / "images"), logical_path="images")
    for logical, uri in REMOTES.items():
        v1.add_remote(uri, logical_path=logical, sync_mode=False)
    logged_v1 = exp.log_artifact(v1)

    v2 = comet_ml.Artifact(DATASET, "dataset", aliases=["staging"], version_tags=["small"])
    v2.add(str(scratch), logical_path="v2")
    logged_v2 = exp.log_artifact(v2)

    model = comet_ml.Artifact(MODEL, "model", aliases=["candidate"])
    model.add(str(model_file), logical_path="weights/final/weights.bin")
    logged_model = exp.log_artifact(model)
    experiment_key = exp.get_key()
    exp.end()

    # Version 2.1.0 takes the alias "production" away from 1.0.0.
    exp2 = new_experiment()
    v3 = comet_ml.Artifact(DATASET, "dataset", version="2.1.0", aliases=["production", "stable"])
    v3.add(str(scratch), logical_path="v2")
    logged_v3 = exp2.log_artifact(v3)
    exp2.end()

    return {
        "v1": expected_v1, "v2": expected_v2, "model": {"weights/final/weights.bin": model_bytes},
        "logged": (logged_v1, logged_v2, logged_model, logged_v3), "experiment_key": experiment_key,
    }


