"""`arty demo` seeds a registry the official SDK can browse and download from."""
import json
import os
import re
import subprocess
import sys
import time

from conftest import ARTY_BIN

READER = r"""
import json, os, pathlib, sys, tempfile
import comet_ml
api = comet_ml.API(api_key=os.environ["COMET_API_KEY"], cache=False)
out = {"workspaces": api.get_workspaces(), "artifacts": {}}
for ws in out["workspaces"]:
    for a in api.get_artifact_list(ws)["artifacts"]:
        details = api.get_artifact_details(workspace=ws, artifact_name=a["name"])
        out["artifacts"][ws + "/" + a["name"]] = {
            "type": a["type"], "versions": {v["version"]: sorted(v["alias"]) for v in details["versions"]},
            "states": {v["version"]: v["state"] for v in details["versions"]}}
art = api.get_artifact("vision-lab", "cats-vs-dogs", alias="production")
listed = {x.logical_path: x.size for x in art.assets if not x.remote}
staging = api.get_artifact("vision-lab", "cats-vs-dogs", alias="staging")
out["remote_links"] = sorted(x.link for x in staging.assets if x.remote)
d = tempfile.mkdtemp()
art.download(d)
got = {p.relative_to(d).as_posix(): p.stat().st_size for p in pathlib.Path(d).rglob("*") if p.is_file()}
out["download_matches_listing"] = got == listed and len(got) > 10
cjk = api.get_artifact("nlp-team", "多言語トークナイザー tokenizer")
out["cjk_version"] = str(cjk.version)
print(json.dumps(out))
"""


def test_demo_registry_is_readable_by_the_sdk(tmp_path):
    data = tmp_path / "demo"
    proc = subprocess.Popen([ARTY_BIN, "demo", "--no-browser", "--data", str(data), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        override = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and override is None:
            line = proc.stdout.readline()
            assert line, "arty demo exited: " + proc.stderr.read()
            m = re.match(r"COMET_URL_OVERRIDE=(\S+)$", line.strip())
            override = m.group(1) if m else None
        key = (data / "api-key").read_text().strip()
        env = {**os.environ, "COMET_URL_OVERRIDE": override, "COMET_API_KEY": key}
        result = subprocess.run([sys.executable, "-c", READER], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        seen = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    assert seen["workspaces"] == ["arty", "nlp-team", "vision-lab"]
    types = {k: v["type"] for k, v in seen["artifacts"].items()}
    assert {"dataset", "model", "image"} <= set(types.values())
    cats = seen["artifacts"]["vision-lab/cats-vs-dogs"]
    assert cats["versions"] == {"1.0.0": [], "1.1.0": ["staging"], "2.0.0": ["latest-good", "production"]}
    assert seen["artifacts"]["nlp-team/wiki-corpus"]["states"]["2.0.0"] == "OPEN"  # one upload "in progress"
    assert seen["download_matches_listing"]
    assert seen["cjk_version"] == "2.0.0"
    assert seen["remote_links"] == ["https://example.com/datasets/cats-vs-dogs/LICENSE.txt",
                                    "s3://arty-demo-bucket/cats-vs-dogs/archive-v2.tar.gz"]
