"""SIGKILL during an upload loses no closed version and leaves no dangling asset, blob or temp file."""
import hashlib
import http.client
import os
import time
import uuid

import requests

from conftest import Server

KEY = "durability-key"
WS = "durable"


def upsert(srv, name, **extra):
    body = {"artifactName": name, "artifactType": "dataset", "version": None, "alias": [], "versionTags": [],
            "versionMetadata": None, "workspaceName": WS, **extra}
    r = requests.post(srv.rest + "write/artifacts/upsert", json=body, headers={"Authorization": KEY}, timeout=10)
    r.raise_for_status()
    return r.json()


def upload(srv, version_id, logical_path, content):
    params = {"artifactVersionId": version_id, "fileName": logical_path, "assetId": uuid.uuid4().hex, "overwrite": "False"}
    r = requests.post(f"http://127.0.0.1:{srv.port}/clientlib/asset/upload", params=params,
                      files={"file": ("file", content)}, headers={"Authorization": KEY}, timeout=30)
    r.raise_for_status()


def files_of(srv, name, version):
    r = requests.get(srv.rest + "artifacts/version/files", params={"workspace": WS, "artifactName": name, "version": version},
                     headers={"Authorization": KEY}, timeout=10)
    r.raise_for_status()
    return r.json()["files"]


def fetch(srv, f):
    r = requests.get(srv.rest + "experiment/asset/get-asset", params={"assetId": f["assetId"], "artifactVersionId": f["artifactVersionId"]},
                     headers={"Authorization": KEY}, timeout=30)
    r.raise_for_status()
    return r.content


def test_sigkill_during_upload(tmp_path):
    data_dir = tmp_path / "data"
    srv = Server(data_dir, api_key=KEY).start()
    originals = {
        "small/a.txt": b"hello arty\n",
        "nested/deeper/b.bin": bytes(range(256)) * 1000,
        "c.csv": b"x,y\n" + b"".join(f"{i},{i * i}\n".encode() for i in range(5000)),
    }
    try:
        v1 = upsert(srv, "precious")
        for path, content in originals.items():
            upload(srv, v1["artifactVersionId"], path, content)
        r = requests.post(srv.rest + "write/artifacts/state", json={"artifactVersionId": v1["artifactVersionId"], "state": "CLOSED"},
                          headers={"Authorization": KEY}, timeout=10)
        assert r.status_code == 200

        # Version 2.0.0: a 64 MiB upload, killed halfway through.
        v2 = upsert(srv, "precious")
        assert v2["currentVersion"] == "2.0.0"
        boundary = "arty-durability-boundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        total = 64 * 1024 * 1024
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        conn.putrequest("POST", f"/clientlib/asset/upload?artifactVersionId={v2['artifactVersionId']}&fileName=big.bin&assetId={uuid.uuid4().hex}")
        conn.putheader("Authorization", KEY)
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + total + len(tail)))
        conn.endheaders()
        conn.send(head)
        chunk = os.urandom(1024 * 1024)
        for _ in range(16):
            conn.send(chunk)
        tmp_dir = data_dir / "tmp"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(p.stat().st_size > 0 for p in tmp_dir.iterdir()):
            time.sleep(0.05)
        assert any(p.stat().st_size > 0 for p in tmp_dir.iterdir()), "the upload never reached the temporary file"
        srv.kill9()
        conn.close()
    finally:
        srv.stop()

    srv = Server(data_dir, api_key=KEY).start()
    try:
        details = requests.get(srv.rest + "artifacts/get", params={"workspace": WS, "artifactName": "precious"},
                               headers={"Authorization": KEY}, timeout=10).json()
        states = {v["version"]: v["state"] for v in details["versions"]}
        assert states == {"1.0.0": "CLOSED", "2.0.0": "OPEN"}
        listed = files_of(srv, "precious", "1.0.0")
        assert {f["fileName"]: f["fileSize"] for f in listed} == {k: len(v) for k, v in originals.items()}
        assert {f["fileName"]: fetch(srv, f) for f in listed} == originals
        assert files_of(srv, "precious", "2.0.0") == []  # the interrupted upload left no asset
        assert list((data_dir / "tmp").iterdir()) == []  # and no temporary file
        blobs = {p.name for p in (data_dir / "blobs").rglob("*") if p.is_file()}
        assert blobs == {hashlib.sha256(v).hexdigest() for v in originals.values()}  # and no unreferenced blob
    finally:
        srv.stop()
