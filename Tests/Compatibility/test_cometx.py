"""cometx (Comet's own command-line tool, PyPI 3.6.11) as a second judge of `arty serve`.

cometx runs as a subprocess with the SDK's environment (COMET_URL_OVERRIDE, COMET_API_KEY, an empty
HOME, COMET_ERROR_TRACKING_ENABLE=false; see conftest.py). It lists a workspace (projects, then
artifacts, then registry models: one failure aborts the rest) and downloads artifacts by name and by
alias; the bytes are compared with the originals the SDK logged, and arty's own client
(`arty ls --json`) must report the same versions, aliases, paths, sizes and checksums.
"""
import hashlib
import json
import os
import pathlib
import subprocess
import sys

from conftest import API_KEY, ARTY_BIN, DATASET, MODEL, WORKSPACE, api

COMETX = str(pathlib.Path(sys.executable).parent / "cometx")


def cometx(server, *args, cwd=None):
    env = {**os.environ, "COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY,
           "COMET_ERROR_TRACKING_ENABLE": "false"}
    out = subprocess.run([COMETX, *args], env=env, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert out.returncode == 0, out.stdout + out.stderr
    # cometx reports most failures on stdout and still exits 0.
    for marker in ("aborted", "Traceback", "NoneType", "Error"):
        assert marker not in out.stdout + out.stderr, out.stdout + out.stderr
    return out.stdout


def arty_ls(server, target):
    env = {**os.environ, "COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY}
    out = subprocess.run([ARTY_BIN, "ls", "--json", target], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def files_below(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in pathlib.Path(root).rglob("*") if p.is_file()}


def listed_versions(stdout, name):
    """{version: set(aliases)} from cometx's `WS/artifacts/NAME/VERSION (alias, alias)` lines."""
    prefix = f"{WORKSPACE}/artifacts/{name}/"
    out = {}
    for line in stdout.splitlines():
        if line.startswith(prefix):
            rest = line[len(prefix):]
            version, _, aliases = rest.partition(" (")
            out[version] = set(a for a in aliases.rstrip(")").split(", ") if a)
    return out


def test_cometx_list_workspace_shows_projects_and_every_version(server, logged):
    stdout = cometx(server, "list", WORKSPACE)
    lines = stdout.splitlines()
    # Projects come first: the experiments of the session were logged to project "compat".
    assert f"{WORKSPACE}/compat" in lines
    assert listed_versions(stdout, DATASET) == {"1.0.0": set(), "2.0.0": {"staging"}, "2.1.0": {"production", "stable"}}
    assert listed_versions(stdout, MODEL) == {"1.0.0": {"candidate"}}


def test_cometx_download_latest_by_name(server, logged, tmp_path):
    cometx(server, "download", f"{WORKSPACE}/artifacts/{DATASET}", "-o", str(tmp_path))
    got = files_below(tmp_path / WORKSPACE / "artifacts" / DATASET)
    assert got == logged["v2"]  # 2.1.0 (latest) holds the same three files as 2.0.0


def test_cometx_download_by_alias_and_version(server, logged, tmp_path):
    cometx(server, "download", f"{WORKSPACE}/artifacts/{MODEL}/candidate", "-o", str(tmp_path / "model"))
    assert files_below(tmp_path / "model" / WORKSPACE / "artifacts" / MODEL) == logged["model"]
    cometx(server, "download", f"{WORKSPACE}/artifacts/{DATASET}/staging", "-o", str(tmp_path / "staging"))
    assert files_below(tmp_path / "staging" / WORKSPACE / "artifacts" / DATASET) == logged["v2"]
    cometx(server, "download", f"{WORKSPACE}/artifacts/{DATASET}/2.0.0", "-o", str(tmp_path / "byversion"))
    assert files_below(tmp_path / "byversion" / WORKSPACE / "artifacts" / DATASET) == logged["v2"]


def test_arty_reads_back_what_cometx_and_the_sdk_see(server, logged, tmp_path):
    stdout = cometx(server, "list", WORKSPACE)
    for name in (DATASET, MODEL):
        mine = {v["version"]: set(v["aliases"]) for v in arty_ls(server, f"{WORKSPACE}/{name}")}
        sdk = {v["version"]: set(v["alias"]) for v in api().get_artifact_details(workspace=WORKSPACE, artifact_name=name)["versions"]}
        assert mine == listed_versions(stdout, name) == sdk
    # The files cometx wrote for an alias: arty lists the same paths, sizes and SHA-256.
    cometx(server, "download", f"{WORKSPACE}/artifacts/{DATASET}/staging", "-o", str(tmp_path))
    got = files_below(tmp_path / WORKSPACE / "artifacts" / DATASET)
    assets = arty_ls(server, f"{WORKSPACE}/{DATASET}:staging")
    assert {a["logicalPath"]: a["size"] for a in assets} == {k: len(b) for k, b in got.items()}
    assert {a["logicalPath"]: a["checksum"] for a in assets} == {k: hashlib.sha256(b).hexdigest() for k, b in got.items()}


def test_experiments_of_a_project_agree_between_cometx_the_sdk_and_the_registry(server, logged):
    import comet_ml

    # An experiment created through the REST API (write/experiment/create), then named and listed.
    created = comet_ml.APIExperiment(workspace=WORKSPACE, project_name="cometx-judge")
    created.set_name("judged run")
    assert api().get_experiment(WORKSPACE, "cometx-judge", created.id).name == "judged run"

    stdout = cometx(server, "list", f"{WORKSPACE}/compat")
    listed = {line.rsplit("/", 1)[1] for line in stdout.splitlines() if line.startswith(f"{WORKSPACE}/compat/")}
    sdk = api().get_experiments(WORKSPACE, "compat")
    assert listed == {e.id for e in sdk}
    assert logged["experiment_key"] in listed
    # The logging run has ended (its last status report): finished, with epoch-ms times.
    ended = next(e for e in sdk if e.id == logged["experiment_key"])
    assert ended.get_state() == "finished"
    meta = ended.get_metadata()
    assert meta["workspaceName"] == WORKSPACE and meta["projectName"] == "compat" and meta["archived"] is False
    assert isinstance(meta["startTimeMillis"], int) and meta["endTimeMillis"] >= meta["startTimeMillis"] > 1_600_000_000_000
    assert f"{WORKSPACE}/cometx-judge" in cometx(server, "list", WORKSPACE).splitlines()
