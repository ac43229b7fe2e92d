"""arty's own client (`arty ls --json`, libcurl) reads the SDK-logged data and agrees with the SDK field for field."""
import json
import os
import subprocess

from conftest import API_KEY, ARTY_BIN, DATASET, MODEL, WORKSPACE, api


def arty_ls(server, target=None):
    env = {**os.environ, "COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY}
    args = [ARTY_BIN, "ls", "--json"] + ([target] if target else [])
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_workspaces_agree(server, logged):
    assert [w["name"] for w in arty_ls(server)] == sorted(api().get_workspaces())


def test_artifacts_agree(server, logged):
    ours = {a["artifactId"]: a for a in arty_ls(server, WORKSPACE)}
    theirs = {a["artifactId"]: a for a in api().get_artifact_list(WORKSPACE)["artifacts"]}
    assert set(ours) == set(theirs)
    for artifact_id, sdk in theirs.items():
        mine = ours[artifact_id]
        assert (mine["name"], mine["type"], mine["latestVersion"], sorted(mine["tags"]), mine["sizeInBytes"]) == \
               (sdk["name"], sdk["type"], sdk["latestVersion"], sorted(sdk["tags"]), sdk["sizeInBytes"])


def test_versions_agree(server, logged):
    for name in (DATASET, MODEL):
        ours = {v["artifactVersionId"]: v for v in arty_ls(server, f"{WORKSPACE}/{name}")}
        theirs = {v["artifactVersionId"]: v for v in api().get_artifact_details(workspace=WORKSPACE, artifact_name=name)["versions"]}
        assert set(ours) == set(theirs)
        for version_id, sdk in theirs.items():
            mine = ours[version_id]
            assert mine["version"] == sdk["version"]
            assert sorted(mine["aliases"]) == sorted(sdk["alias"])
            assert sorted(mine["tags"]) == sorted(sdk["tags"])
            assert mine["state"] == sdk["state"]
            assert mine["sizeInBytes"] == sdk["sizeInBytes"]
            assert mine["addedMillis"] == sdk["added"]
            assert mine["owner"] == sdk["owner"]


def test_assets_agree_by_version_and_alias(server, logged):
    # arty omits "link" for local assets where the SDK shows null: the same value.
    for target, kwargs in ((f"{WORKSPACE}/{DATASET}:1.0.0", {"version": "1.0.0"}),
                           (f"{WORKSPACE}/{DATASET}:staging", {"alias": "staging"}),
                           (f"{WORKSPACE}/{MODEL}:candidate", {"alias": "candidate"})):
        name = target.split("/", 1)[1].rsplit(":", 1)[0]
        ours = {a["assetId"]: a for a in arty_ls(server, target)}
        theirs = {f["assetId"]: f for f in api().get_artifact_files(workspace=WORKSPACE, artifact_name=name, **kwargs)["files"]}
        assert set(ours) == set(theirs) and ours
        for asset_id, sdk in theirs.items():
            mine = ours[asset_id]
            assert (mine["logicalPath"], mine["size"], mine["remote"], mine.get("link")) == \
                   (sdk["fileName"], sdk["fileSize"], sdk["remote"], sdk["link"])


def test_ls_of_an_alias_says_what_it_resolved_to(server, logged):
    """Issue 14: `arty ls WS/NAME:production` names the version the alias resolved to (table line, JSON field)."""
    versions = api().get_artifact_details(workspace=WORKSPACE, artifact_name=DATASET)["versions"]
    production = next(v["version"] for v in versions if "production" in v["alias"])
    rows = arty_ls(server, f"{WORKSPACE}/{DATASET}:production")
    assert rows and {r["resolvedVersion"] for r in rows} == {production}
    env = {**os.environ, "COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY}
    out = subprocess.run([ARTY_BIN, "ls", f"{WORKSPACE}/{DATASET}:production"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == f"production → {production}", out.stdout
    assert out.stdout.splitlines()[1].startswith("LOGICAL PATH"), out.stdout
