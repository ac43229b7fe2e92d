"""Issue 5 by CLI: `arty download | alias | tag | bump | log | diff` against `arty serve`, with every
result checked through the official SDK (comet-ml 3.58.8) and by comparing downloaded bytes to the
originals. Uses its own artifacts so the SDK-logged session data stays untouched (read-only use only).
"""
import hashlib
import json
import os
import pathlib
import subprocess

import pytest

from conftest import API_KEY, ARTY_BIN, DATASET, REMOTES, WORKSPACE, api, new_experiment

SRC = "arty actions src"  # a space: REF arguments are quoted
# Artifacts made here live in their own workspace: the session's workspace keeps exactly what conftest logged.
WS = "actions-ws"


def arty(server, *args, env_extra=None, check=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "ARTY_READ_ONLY"}
    env.update({"COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY, **(env_extra or {})})
    out = subprocess.run([ARTY_BIN, *args], env=env, capture_output=True, text=True, timeout=120, cwd=cwd)
    if check is not None:
        assert out.returncode == check, f"rc={out.returncode}\nstdout={out.stdout}\nstderr={out.stderr}"
    return out


def tree(root):
    """{relative path: bytes} of the files arty downloaded (its own record, .arty/downloads.json, left out)."""
    root = pathlib.Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != ".arty"}


def details(name, workspace=WS):
    return api().get_artifact_details(workspace=workspace, artifact_name=name)


def version_of(name, version):
    return next(v for v in details(name)["versions"] if v["version"] == version)


def files_of(name, version):
    return {f["fileName"]: f for f in api().get_artifact_files(workspace=WS, artifact_name=name, version=version)["files"]}


@pytest.fixture(scope="module")
def source(server, tmp_path_factory):
    """SRC 1.0.0 (alias production, version tag v-tag, metadata, a remote) and 2.0.0 (alias staging), logged by the SDK."""
    import comet_ml

    d1 = tmp_path_factory.mktemp("src1")
    files1 = {"a.txt": b"hello\n", "sub/b.bin": bytes((i * 7 + 3) % 256 for i in range(200_000)), "c.csv": b"x,y\n1,2\n"}
    for name, blob in files1.items():
        (d1 / name).parent.mkdir(parents=True, exist_ok=True)
        (d1 / name).write_bytes(blob)
    d2 = tmp_path_factory.mktemp("src2")
    files2 = {"a.txt": b"hello\n", "sub/b.bin": b"changed", "new.txt": b"new"}
    for name, blob in files2.items():
        (d2 / name).parent.mkdir(parents=True, exist_ok=True)
        (d2 / name).write_bytes(blob)
    exp = new_experiment(project="actions", workspace=WS)
    a1 = comet_ml.Artifact(SRC, "dataset", version="1.0.0", aliases=["production"], version_tags=["v-tag"],
                           metadata={"epochs": 3})
    a1.add(str(d1), logical_path="")
    a1.add_remote("s3://bucket/raw.parquet", logical_path="raw.parquet", sync_mode=False)
    exp.log_artifact(a1)
    a2 = comet_ml.Artifact(SRC, "dataset", version="2.0.0", aliases=["staging"])
    a2.add(str(d2), logical_path="")
    exp.log_artifact(a2)
    exp.end()
    return {"1.0.0": files1, "2.0.0": files2}


def test_download_by_version_and_alias_matches_the_originals(server, logged, tmp_path):
    out = arty(server, "download", f"{WORKSPACE}/{DATASET}:1.0.0", str(tmp_path / "v1"), "--json", check=0)
    summary = json.loads(out.stdout)
    assert summary["version"] == "1.0.0" and summary["failed"] == [] and not summary["cancelled"]
    got = tree(tmp_path / "v1")
    manifest = json.loads(got.pop("remote-assets.json"))
    assert got == logged["v1"]
    assert {m["logicalPath"]: m["link"] for m in manifest} == REMOTES

    # An alias is resolved once to its concrete version.
    out = arty(server, "download", f"{WORKSPACE}/{DATASET}:staging", str(tmp_path / "staging"), "--json", check=0)
    staging = next(v for v in details(DATASET, WORKSPACE)["versions"] if "staging" in v["alias"])
    assert json.loads(out.stdout)["version"] == staging["version"]
    assert tree(tmp_path / "staging") == logged["v2"]


def test_download_without_dir_goes_to_name_dash_version(server, source, tmp_path):
    """Issue 14: with no DIR the CLI writes where the TUI's dialog proposes, ./ARTIFACT-VERSION (alias resolved)."""
    arty(server, "download", f"{WS}/{SRC}:production", cwd=tmp_path, check=0)
    dest = tmp_path / f"{SRC}-1.0.0"
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]
    got = tree(dest)
    got.pop("remote-assets.json")
    assert got == source["1.0.0"]
    usage = arty(server, "download", "--help", check=0).stdout
    assert "(default: ./ARTIFACT-VERSION" in usage and "(default: .)" not in usage, usage


def test_download_include_exclude(server, logged, tmp_path):
    arty(server, "download", f"{WORKSPACE}/{DATASET}:1.0.0", str(tmp_path), "--include", "*.jpg", check=0)
    got = tree(tmp_path)
    got.pop("remote-assets.json", None)
    assert got == {k: v for k, v in logged["v1"].items() if k.endswith(".jpg")} and got


def test_download_overwrite_strategies(server, source, tmp_path):
    ref = f"{WS}/{SRC}:1.0.0"
    arty(server, "download", ref, str(tmp_path), check=0)
    out = arty(server, "download", ref, str(tmp_path), check=0)  # FAIL accepts identical content
    assert "0 downloaded" in out.stdout and "already up to date" in out.stdout  # by the record: nothing fetched
    assert (tmp_path / ".arty" / "downloads.json").is_file()
    (tmp_path / "a.txt").write_bytes(b"HELLO\n")  # same size, other content
    out = arty(server, "download", ref, str(tmp_path), check=1)
    assert "a.txt" in out.stderr and "different content" in out.stderr
    assert (tmp_path / "a.txt").read_bytes() == b"HELLO\n"
    assert not any(p.name.endswith(".part") for p in tmp_path.rglob("*"))
    arty(server, "download", ref, str(tmp_path), "--overwrite", "preserve", check=0)
    assert (tmp_path / "a.txt").read_bytes() == b"HELLO\n"
    arty(server, "download", ref, str(tmp_path), "--overwrite", "overwrite", check=0)
    got = tree(tmp_path)
    got.pop("remote-assets.json")
    assert got == source["1.0.0"]


def test_download_refuses_a_hostile_logical_path(server, tmp_path):
    import comet_ml

    payload = tmp_path / "payload.txt"
    payload.write_bytes(b"pwned")
    exp = new_experiment(project="actions", workspace=WS)
    art = comet_ml.Artifact("arty hostile", "dataset")
    art.add(str(payload), logical_path="../escape.txt")
    art.add(str(payload), logical_path="fine.txt")
    exp.log_artifact(art)
    exp.end()
    dest = tmp_path / "inner" / "dest"
    out = arty(server, "download", f"{WS}/arty hostile", str(dest), check=1)
    assert "../escape.txt" in out.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == \
        ["inner/dest/.arty/downloads.json", "inner/dest/fine.txt", "payload.txt"]


def test_alias_move_and_removal(server, source):
    out = arty(server, "alias", f"{WS}/{SRC}:2.0.0", "add", "production", "rc", check=0)
    assert "production: 1.0.0 → 2.0.0" in out.stdout
    assert sorted(version_of(SRC, "2.0.0")["alias"]) == ["production", "rc", "staging"]
    assert "production" not in version_of(SRC, "1.0.0")["alias"]
    arty(server, "alias", f"{WS}/{SRC}:rc", "remove", "rc", check=0)
    assert sorted(version_of(SRC, "2.0.0")["alias"]) == ["production", "staging"]
    # Put it back for the other tests of this module, reading the result as JSON.
    out = arty(server, "alias", f"{WS}/{SRC}:1.0.0", "add", "production", "--json", check=0)
    result = json.loads(out.stdout)
    assert (result["kind"], result["version"], result["changed"]) == ("alias", "1.0.0", True)
    assert [(m["alias"], m["fromVersion"], m["toVersion"]) for m in result["moves"]] == [("production", "2.0.0", "1.0.0")]
    assert "production" in version_of(SRC, "1.0.0")["alias"]
    assert sorted(result["after"]) == sorted(version_of(SRC, "1.0.0")["alias"])
    assert "production" not in result["before"]


def test_version_and_artifact_tags(server, source):
    arty(server, "tag", f"{WS}/{SRC}:2.0.0", "add", "reviewed", "gold", check=0)
    assert sorted(version_of(SRC, "2.0.0")["tags"]) == ["gold", "reviewed"]
    arty(server, "tag", f"{WS}/{SRC}:2.0.0", "remove", "gold", check=0)
    assert version_of(SRC, "2.0.0")["tags"] == ["reviewed"]
    arty(server, "tag", f"{WS}/{SRC}", "--artifact", "add", "raw", check=0)
    assert details(SRC)["tags"] == ["raw"]
    # Adding a tag it already has changes nothing, and --json says so.
    again = json.loads(arty(server, "tag", f"{WS}/{SRC}:2.0.0", "add", "reviewed", "--json", check=0).stdout)
    assert (again["kind"], again["changed"], again["before"], again["after"]) == ("versionTag", False, ["reviewed"], ["reviewed"])


def test_bump_copies_assets_and_refuses_an_existing_version(server, source, tmp_path):
    out = arty(server, "bump", f"{WS}/{SRC}:production", "minor", check=0)
    assert "1.0.0 → 1.1.0" in out.stdout
    new = version_of(SRC, "1.1.0")
    old = version_of(SRC, "1.0.0")
    assert new["state"] == "CLOSED"
    assert new["tags"] == old["tags"] == ["v-tag"]
    assert json.loads(new["metadata"]) == json.loads(old["metadata"]) == {"epochs": 3}
    assert "production" not in new["alias"]
    ours, theirs = files_of(SRC, "1.1.0"), files_of(SRC, "1.0.0")
    assert {k: (f["fileSize"], f["remote"], f["link"]) for k, f in ours.items()} == \
           {k: (f["fileSize"], f["remote"], f["link"]) for k, f in theirs.items()}
    arty(server, "download", f"{WS}/{SRC}:1.1.0", str(tmp_path), check=0)
    got = tree(tmp_path)
    got.pop("remote-assets.json")
    assert got == source["1.0.0"]

    out = arty(server, "bump", f"{WS}/{SRC}:1.0.0", "minor", check=1)
    assert "1.1.0" in out.stderr and "already exists" in out.stderr
    assert sorted(v["version"] for v in details(SRC)["versions"]) == ["1.0.0", "1.1.0", "2.0.0"]


def test_log_a_folder(server, tmp_path):
    folder = tmp_path / "folder"
    files = {"model.bin": os.urandom(50_000), "cfg/params.json": b'{"lr": 0.1}'}
    for name, blob in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(blob)
    out = arty(server, "log", str(folder), "--workspace", WS, "--artifact", "logged by arty", "--type", "model",
               "--alias", "first", "--tag", "cli", "--remote", "s3://bucket/x/extra.bin", "--json", check=0)
    created = json.loads(out.stdout)
    assert created["version"] == "1.0.0"
    d = details("logged by arty")
    assert d["type"] == "model"
    v = d["versions"][0]
    assert (v["version"], v["alias"], v["tags"], v["state"]) == ("1.0.0", ["first"], ["cli"], "CLOSED")
    listed = files_of("logged by arty", "1.0.0")
    assert {k: f["fileSize"] for k, f in listed.items() if not f["remote"]} == {k: len(b) for k, b in files.items()}
    assert {k: f["link"] for k, f in listed.items() if f["remote"]} == {"extra.bin": "s3://bucket/x/extra.bin"}
    dest = tmp_path / "back"
    arty(server, "download", f"{WS}/logged by arty:first", str(dest), check=0)
    got = tree(dest)
    got.pop("remote-assets.json")
    assert got == files


def test_a_folder_logged_in_parallel_is_read_whole_by_the_sdk(server, tmp_path):
    """`arty log --parallel 8` uploads many files at once; the SDK lists and downloads every one intact."""
    folder = tmp_path / "many"
    files = {f"d{i % 3}/part-{i:03d}.bin": os.urandom(1_000 + 997 * i) for i in range(48)}
    for name, blob in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(blob)
    out = arty(server, "log", str(folder), "--workspace", WS, "--artifact", "logged in parallel", "--type", "dataset",
               "--parallel", "8", "--json", check=0)
    assert json.loads(out.stdout)["localAssets"] == len(files)
    art = api().get_artifact(WS, "logged in parallel", version="1.0.0")
    assert {a.logical_path: a.size for a in art.assets} == {k: len(b) for k, b in files.items()}
    dest = tmp_path / "sdk"
    art.download(str(dest))
    got = {p.relative_to(dest).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in dest.rglob("*") if p.is_file()}
    assert got == {k: hashlib.sha256(b).hexdigest() for k, b in files.items()}


def test_diff_json(server, source):
    out = arty(server, "diff", f"{WS}/{SRC}:1.0.0", f"{WS}/{SRC}:2.0.0", "--json", check=0)
    diff = json.loads(out.stdout)
    assert [e["logicalPath"] for e in diff["added"]] == ["new.txt"]
    assert [e["logicalPath"] for e in diff["removed"]] == ["c.csv", "raw.parquet"]
    assert [(c["logicalPath"], c["reasons"]) for c in diff["changed"]] == [("sub/b.bin", ["size", "checksum"])]
    assert diff["unchangedCount"] == 1
    assert diff["sameSizeNotCompared"] == []
    text = arty(server, "diff", f"{WS}/{SRC}:1.0.0", f"{WS}/{SRC}:2.0.0", check=0).stdout
    assert text.strip().splitlines()[-1] == "1.0.0 → 2.0.0: 1 added, 2 removed, 1 changed, 1 unchanged"
    # The registry's contentSha256 reaches the SDK's raw listing (which ignores it) and arty ls --json.
    assert files_of(SRC, "1.0.0")["a.txt"]["contentSha256"] == hashlib.sha256(b"hello\n").hexdigest()
    listed = {a["logicalPath"]: a for a in json.loads(arty(server, "ls", f"{WS}/{SRC}:1.0.0", "--json", check=0).stdout)}
    assert listed["a.txt"]["checksum"] == hashlib.sha256(b"hello\n").hexdigest()
    assert listed["raw.parquet"]["checksum"] is None


def test_same_size_different_bytes_is_a_change(server, tmp_path):
    """Issue 11, finding 2: f.txt holds aaaa, then bbbb (logged by the SDK): never "unchanged"."""
    import comet_ml

    exp = new_experiment(project="actions", workspace=WS)
    for version, content in (("1.0.0", b"aaaa"), ("2.0.0", b"bbbb")):
        folder = tmp_path / version
        folder.mkdir()
        (folder / "f.txt").write_bytes(content)
        (folder / "g.txt").write_bytes(b"same")
        artifact = comet_ml.Artifact("same-size", "dataset", version=version)
        artifact.add(str(folder), logical_path="")
        exp.log_artifact(artifact)
    exp.end()
    diff = json.loads(arty(server, "diff", f"{WS}/same-size:1.0.0", f"{WS}/same-size:2.0.0", "--json", check=0).stdout)
    assert [(c["logicalPath"], c["reasons"]) for c in diff["changed"]] == [("f.txt", ["checksum"])]
    assert diff["unchangedCount"] == 1


def test_read_only_refuses_changes_and_usage_errors_exit_2(server, source):
    before = details(SRC)
    assert "read-only" in arty(server, "--read-only", "alias", f"{WS}/{SRC}:1.0.0", "add", "x", check=1).stderr
    arty(server, "tag", f"{WS}/{SRC}:1.0.0", "add", "x", env_extra={"ARTY_READ_ONLY": "1"}, check=1)
    arty(server, "bump", f"{WS}/{SRC}:1.0.0", "major", "--read-only", check=1)
    arty(server, "log", "/nonexistent", "--workspace", WS, "--artifact", "x", "--type", "t", "--read-only", check=1)
    after = details(SRC)
    assert [(v["version"], sorted(v["alias"]), sorted(v["tags"])) for v in before["versions"]] == \
           [(v["version"], sorted(v["alias"]), sorted(v["tags"])) for v in after["versions"]]
    arty(server, "bump", f"{WS}/{SRC}:1.0.0", "huge", check=2)
    arty(server, "alias", f"{WS}/{SRC}", "add", "x", check=2)
    arty(server, "download", "no-artifact-here", check=2)
    arty(server, "download", f"{WS}/{SRC}:9.9.9", check=1)


def test_an_unknown_command_is_named_with_the_list_of_commands(server):
    """Issue 14: `arty frobnicate` said "Unexpected argument" and showed browse's usage."""
    out = arty(server, "frobnicate", check=2)  # arty's usage-error status
    assert out.stderr.startswith("Error: Unknown command 'frobnicate'.\n"), out.stderr
    for name in ("browse", "ls", "download", "alias", "diff"):
        assert f"\n  {name} " in out.stderr, out.stderr
    assert "Unexpected argument" not in out.stderr and out.stdout == ""
    arty(server, "help", "ls", check=0)  # real commands and help still parse
