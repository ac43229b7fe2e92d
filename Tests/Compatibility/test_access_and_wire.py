"""Access rules and wire details of the registry, seen through the SDK and through plain HTTP."""
import gzip
import json
import subprocess
import urllib.parse

import pytest
import requests

from conftest import API_KEY, ARTY_BIN, DATASET, MODEL, WORKSPACE, api

SCRATCH = "scratch-ws"  # created by the upsert below: writing into a new workspace creates it


def rest_get(server, path, key=API_KEY, **params):
    return requests.get(server.rest + path, params=params, headers={"Authorization": key}, timeout=10)


def test_json_content_type_is_exact(server, logged):
    r = rest_get(server, "artifacts/get-all", workspace=WORKSPACE)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"


def test_every_request_needs_a_valid_key(server, logged):
    r = rest_get(server, "workspaces", key="not-a-registered-key")
    assert r.status_code == 401
    body = r.json()
    assert set(body) == {"msg", "code", "sdk_error_code"} and body["code"] == 401
    assert requests.get(server.rest + "workspaces", timeout=10).status_code == 401


def test_second_user_sees_only_own_workspaces(server, logged):
    out = subprocess.run([ARTY_BIN, "user", "add", "bob", "--data", str(server.data_dir), "--print-key"],
                         check=True, capture_output=True, text=True)
    bob_key = out.stdout.strip()
    assert len(bob_key) == 32 and bob_key != API_KEY
    # Without --print-key, only the key file's path is printed, and the file is private.
    out = subprocess.run([ARTY_BIN, "user", "add", "carol", "--data", str(server.data_dir)],
                         check=True, capture_output=True, text=True)
    key_file = out.stdout.strip()
    assert key_file.endswith("keys/carol.key")
    import os, stat
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600

    assert api(bob_key).get_workspaces() == ["bob"]
    r = rest_get(server, "artifacts/get-all", key=bob_key, workspace=WORKSPACE)
    assert r.status_code == 400 and r.json()["sdk_error_code"] == 90219
    from comet_ml.exceptions import ArtifactNotFound
    with pytest.raises(ArtifactNotFound):
        api(bob_key).get_artifact(WORKSPACE, DATASET)
    # An artifact id of another user's artifact is not found either.
    artifact_id = api().get_artifact_details(workspace=WORKSPACE, artifact_name=DATASET)["artifactId"]
    assert rest_get(server, "artifacts/get", key=bob_key, artifact_id=artifact_id).status_code == 400


def test_artifact_name_is_double_decoded(server, logged):
    once = urllib.parse.quote(MODEL, safe="")
    r = rest_get(server, "artifacts/get", workspace=WORKSPACE, artifactName=once)  # requests encodes it again
    assert r.status_code == 200 and r.json()["name"] == MODEL


def test_get_asset_range_and_content_length(server, logged):
    files = rest_get(server, "artifacts/version/files", workspace=WORKSPACE, artifactName=DATASET, version="1.0.0").json()["files"]
    f = next(f for f in files if f["fileName"] == "data/iris.csv")
    original = logged["v1"]["data/iris.csv"]
    params = {"assetId": f["assetId"], "artifactVersionId": f["artifactVersionId"], "allow301": "False", "experimentKey": ""}
    whole = requests.get(server.rest + "experiment/asset/get-asset", params=params, headers={"Authorization": API_KEY}, timeout=10)
    assert whole.status_code == 200 and whole.content == original
    assert whole.headers["Content-Length"] == str(len(original))
    part = requests.get(server.rest + "experiment/asset/get-asset", params=params,
                        headers={"Authorization": API_KEY, "Range": "bytes=10-99"}, timeout=10)
    assert part.status_code == 206 and part.content == original[10:100]
    assert part.headers["Content-Range"] == f"bytes 10-99/{len(original)}"
    assert part.headers["Content-Length"] == "90"
    past = requests.get(server.rest + "experiment/asset/get-asset", params=params,
                        headers={"Authorization": API_KEY, "Range": f"bytes={len(original)}-"}, timeout=10)
    assert past.status_code == 416


def test_remote_assets_are_listed_never_served(server, logged):
    files = rest_get(server, "artifacts/version/files", workspace=WORKSPACE, artifactName=DATASET, version="1.0.0").json()["files"]
    remote = next(f for f in files if f["remote"])
    r = rest_get(server, "experiment/asset/get-asset", assetId=remote["assetId"], artifactVersionId=remote["artifactVersionId"])
    assert r.status_code != 200


def test_open_and_error_versions_are_not_final_by_name(server, logged):
    """A version that never got CLOSED answers "not final" by name, and is still readable by id."""
    from comet_ml.exceptions import ArtifactNotFinalException

    headers = {"Authorization": API_KEY, "Content-Type": "application/json"}
    body = {"artifactName": "unfinished", "artifactType": "dataset", "version": None, "alias": ["wip"],
            "versionTags": [], "versionMetadata": None, "workspaceName": SCRATCH}
    up = requests.post(server.rest + "write/artifacts/upsert", data=gzip.compress(json.dumps(body).encode()),
                       headers={**headers, "Content-Encoding": "gzip"}, timeout=10)
    assert up.status_code == 200
    created = up.json()
    assert created["currentVersion"] == "1.0.0" and created["previousVersion"] is None
    with pytest.raises(ArtifactNotFinalException):
        api().get_artifact(SCRATCH, "unfinished", version="1.0.0")
    by_id = rest_get(server, "artifacts/version", artifactId=created["artifactId"], versionId=created["artifactVersionId"])
    assert by_id.status_code == 200 and by_id.json()["state"] == "OPEN"
    r = requests.post(server.rest + "write/artifacts/state", json={"artifactVersionId": created["artifactVersionId"],
                      "state": "ERROR"}, headers={"Authorization": API_KEY}, timeout=10)
    assert r.status_code == 200
    r = rest_get(server, "artifacts/version", workspace=SCRATCH, artifactName="unfinished", alias="wip")
    assert r.status_code == 400 and r.json()["sdk_error_code"] == 90403
    with pytest.raises(ArtifactNotFinalException):
        api().get_artifact(SCRATCH, "unfinished", alias="wip")


def test_unrelated_experiment_calls_get_empty_json(server):
    r = requests.post(f"http://127.0.0.1:{server.port}/clientlib/batch/logger/experiment/metric",
                      data=gzip.compress(b'{"values":[]}'), headers={"Authorization": API_KEY, "Content-Encoding": "gzip"}, timeout=10)
    assert r.status_code == 200 and r.json() == {} and r.headers["Content-Type"] == "application/json"


def test_serve_without_api_key_generates_one_private_key_and_never_prints_it(tmp_path):
    import os
    import stat

    from conftest import Server

    data = tmp_path / "data"
    srv = Server(data, api_key=None).start()
    try:
        key_file = data / "api-key"
        key = key_file.read_text().strip()
        assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
        assert rest_get(srv, "workspaces", key=key).json() == {"workspaceNames": ["arty"]}
    finally:
        srv.stop()
    printed = srv.proc.stdout.read() + srv.proc.stderr.read()
    assert str(key_file) in printed and key not in printed
    again = Server(data, api_key=None).start()  # the key is kept, not regenerated
    try:
        assert key_file.read_text().strip() == key
        assert rest_get(again, "workspaces", key=key).status_code == 200
    finally:
        again.stop()


def test_an_experiment_with_default_options_meets_no_404_and_the_access_log_shows_it(tmp_path):
    """Issue 15: unknown routes are 404 now; every call an Experiment makes with its default options
    (auto-logging on: system details, output, file path; metrics and parameters) is still answered."""
    import os
    import sys

    from conftest import Server

    log = tmp_path / "access.jsonl"
    srv = Server(tmp_path / "data", extra_args=["--access-log", str(log)]).start()
    try:
        payload = tmp_path / "payload.txt"
        payload.write_text("defaults\n")
        # A git repository with an uncommitted change, so git metadata and the git patch are sent too.
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
        subprocess.run(git + ["init", "-q", str(tmp_path)], check=True)
        subprocess.run(git + ["-C", str(tmp_path), "add", "payload.txt"], check=True)
        subprocess.run(git + ["-C", str(tmp_path), "commit", "-q", "-m", "first"], check=True)
        payload.write_text("defaults, changed\n")
        script = f"""
import comet_ml
exp = comet_ml.Experiment(project_name="defaults", workspace={WORKSPACE!r})
exp.log_metric("loss", 0.5, step=1)
exp.log_parameter("lr", 0.1)
art = comet_ml.Artifact("defaults-artifact", "dataset")
art.add({str(payload)!r}, logical_path="payload.txt")
exp.log_artifact(art)
exp.end()
"""
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMET_AUTO_LOG_")}
        env["COMET_URL_OVERRIDE"] = srv.url_override
        run = subprocess.run([sys.executable, "-c", script], env=env, cwd=str(tmp_path), capture_output=True, text=True,
                             timeout=180)
        assert run.returncode == 0, run.stderr
    finally:
        srv.stop()
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries, "the access log is empty"
    not_found = [e for e in entries if e["status"] == 404]
    assert not_found == [], not_found
    routes = {e["route"] for e in entries}
    assert "/clientlib/batch/logger/experiment/metric" in routes
    assert any(e["route"] == "/clientlib/asset/upload" and e["status"] == 200 for e in entries), entries
    assert API_KEY not in log.read_text()
