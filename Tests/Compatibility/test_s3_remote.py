"""Issue 16: remote assets in S3, read and fetched by arty, against a real S3 API on loopback.

moto[server] (PyPI) runs S3 and IAM with authentication enforced (`/moto-api/reset-auth`): every
request arty makes must carry a SigV4 signature that botocore's signer, inside moto, recomputes
and accepts, and an IAM policy decides what may be read (one object is denied: a real 403). The
artifact is logged by the official SDK (comet-ml 3.58.8), one link with `sync_mode=True` (the SDK
reads S3 through boto3 and stores the object's facts as metadata). arty reaches S3 through a
counting TCP proxy that can also drop a connection mid-body.
"""
import asyncio
import hashlib
import http.server
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import pytest

from conftest import API_KEY, ARTY_BIN, new_experiment

WS = "s3-ws"
NAME = "linked data"
BUCKET = "arty-s3-test"
REGION = "us-east-1"
BIG = bytes((i * 131 + 17) % 251 for i in range(3 * 1024 * 1024 + 123))
HOSTILE_KEY = "images/../../escape.txt"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    """A TCP proxy on loopback: counts connections, records request lines and Range headers, and can
    cut the next connection whose request contains a marker after N bytes of answer."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.connections = 0
        self.lines = []
        self.cut = None  # (marker, bytes)
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(asyncio.start_server(self.handle, "127.0.0.1", 0))
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)

    async def handle(self, reader, writer):
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        state = {"limit": None, "sent": 0}

        async def upstream():
            try:
                while data := await reader.read(65536):
                    text = data.decode("latin-1")
                    for line in text.split("\r\n"):
                        if line.split(" ")[0] in ("GET", "HEAD", "PUT", "POST") or line.lower().startswith("range:"):
                            self.lines.append(line)
                    if self.cut and self.cut[0] in text:
                        state["limit"], state["sent"] = self.cut[1], 0
                        self.cut = None
                    up_writer.write(data)
                    await up_writer.drain()
            finally:
                up_writer.close()

        async def downstream():
            try:
                while data := await up_reader.read(65536):
                    limit = state["limit"]
                    if limit is not None and state["sent"] + len(data) >= limit:
                        writer.write(data[: limit - state["sent"]])
                        await writer.drain()
                        writer.transport.abort()
                        return
                    state["sent"] += len(data)
                    writer.write(data)
                    await writer.drain()
            finally:
                writer.close()

        await asyncio.gather(upstream(), downstream(), return_exceptions=True)


class WebServer:
    """A plain HTTP server for a web link, counting its requests."""

    def __init__(self, files):
        self.requests = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.answer(head=True)

            def do_GET(self):
                self.answer(head=False)

            def answer(self, head):
                outer.requests += 1
                body = files.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def s3(sklearn_data, tmp_path_factory):
    """moto on loopback with S3 objects, an IAM user allowed all of S3 but one object, and temporary
    (session-token) credentials; authentication enforced once set up."""
    import boto3

    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "w")
    proc = subprocess.Popen([str(pathlib.Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=2).read()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("moto_server did not start")
            time.sleep(0.2)

    def client(service, key="setup", secret="setup", token=None):
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token)

    iam = client("iam")
    iam.create_user(UserName="arty-reader")
    key = iam.create_access_key(UserName="arty-reader")["AccessKey"]
    iam.put_user_policy(UserName="arty-reader", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "sts:*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/secret.bin"},
        ],
    }))
    objects = {
        "data/train.csv": (sklearn_data / "data" / "iris.csv").read_bytes(),
        "data/big.bin": BIG,
        "images/china.jpg": (sklearn_data / "images" / "china.jpg").read_bytes(),
        "images/nested/notes é+x.txt": "notes with a space, é and +\n".encode(),
        HOSTILE_KEY: b"must never be written outside the destination\n",
        "secret.bin": b"denied by policy\n",
    }
    s3c = client("s3", key["AccessKeyId"], key["SecretAccessKey"])
    s3c.create_bucket(Bucket=BUCKET)
    for k, body in objects.items():
        s3c.put_object(Bucket=BUCKET, Key=k, Body=body)
    assert HOSTILE_KEY in [o["Key"] for o in s3c.list_objects_v2(Bucket=BUCKET, Prefix="images/")["Contents"]]
    # Temporary credentials (with a session token): a role the user may assume, with the same rights.
    role = iam.create_role(RoleName="arty-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": iam.get_user(UserName="arty-reader")["User"]["Arn"]},
                       "Action": "sts:AssumeRole"}],
    }))["Role"]
    iam.put_role_policy(RoleName="arty-role", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    temporary = client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
        RoleArn=role["Arn"], RoleSessionName="arty-test")["Credentials"]
    req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                 headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req).read()
    # From here on, unsigned or wrongly signed requests are refused.
    with pytest.raises(Exception):
        client("s3", key["AccessKeyId"], "wrong-secret").head_object(Bucket=BUCKET, Key="data/train.csv")
    proxy = Proxy(port)
    yield {
        "endpoint": endpoint, "proxy": proxy, "key": key["AccessKeyId"], "secret": key["SecretAccessKey"],
        "temporary": temporary, "objects": objects,
    }
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def web():
    return WebServer({"web.txt": b"fetched from a web link\n"})


def aws_env(s3, temporary=False):
    if temporary:
        t = s3["temporary"]
        creds = {"AWS_ACCESS_KEY_ID": t["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": t["SecretAccessKey"],
                 "AWS_SESSION_TOKEN": t["SessionToken"]}
    else:
        creds = {"AWS_ACCESS_KEY_ID": s3["key"], "AWS_SECRET_ACCESS_KEY": s3["secret"]}
    return {**creds, "AWS_REGION": REGION, "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{s3['proxy'].port}"}


@pytest.fixture(scope="module")
def linked(server, s3, web, tmp_path_factory):
    """An artifact version logged by the SDK: one local file and remote links of every kind."""
    import comet_ml

    local = tmp_path_factory.mktemp("local") / "README.md"
    local.write_bytes(b"# linked data\n")
    links = {
        "remote/train.csv": f"s3://{BUCKET}/data/train.csv",
        "remote/big.bin": f"s3://{BUCKET}/data/big.bin",
        "remote/images": f"s3://{BUCKET}/images/",
        "remote/secret.bin": f"s3://{BUCKET}/secret.bin",
        "remote/gone.csv": f"s3://{BUCKET}/gone.csv",
        "remote/digits.csv": "gs://some-gcs-bucket/digits.csv",
        "remote/web.txt": f"http://127.0.0.1:{web.port}/web.txt",
    }
    exp = new_experiment(project="s3", workspace=WS)
    artifact = comet_ml.Artifact(NAME, "dataset", version="1.0.0")
    artifact.add(str(local), logical_path="README.md")
    for logical, link in links.items():
        artifact.add_remote(link, logical_path=logical, sync_mode=False)
    # sync_mode: the SDK itself reads the object through boto3 (pointed at moto) and records its facts.
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": s3["key"], "AWS_SECRET_ACCESS_KEY": s3["secret"], "AWS_DEFAULT_REGION": REGION,
                       "AWS_ENDPOINT_URL": s3["endpoint"]})
    try:
        artifact.add_remote(f"s3://{BUCKET}/data/train.csv", logical_path="synced/train.csv", sync_mode=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    exp.log_artifact(artifact)
    exp.end()
    return links


def arty(server, *args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "ARTY_READ_ONLY"}
    env.update({"COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY, **(env_extra or {})})
    return subprocess.run([ARTY_BIN, *args], env=env, capture_output=True, text=True, timeout=180)


def rows_by_path(out):
    assert out.returncode == 0, out.stderr
    return {r["logicalPath"]: r for r in json.loads(out.stdout)}


def test_ls_json_gives_store_sizes_and_facts(server, s3, linked):
    rows = rows_by_path(arty(server, "ls", f"{WS}/{NAME}:1.0.0", "--json", env_extra=aws_env(s3)))
    objects = s3["objects"]
    train = rows["remote/train.csv"]["storeFacts"]
    assert train["state"] == "object" and train["source"] == "store", json.dumps(rows)
    assert train["size"] == len(objects["data/train.csv"])
    assert train["eTag"] == hashlib.md5(objects["data/train.csv"]).hexdigest()
    assert rows["remote/big.bin"]["storeFacts"]["size"] == len(BIG)
    images = rows["remote/images"]["storeFacts"]
    assert images == {"store": "s3", "state": "prefix", "objectCount": 3, "complete": True,
                      "totalBytes": sum(len(v) for k, v in objects.items() if k.startswith("images/"))}
    assert rows["remote/secret.bin"]["storeFacts"] == {"store": "s3", "state": "unavailable", "reason": "access denied (403)"}
    assert rows["remote/gone.csv"]["storeFacts"] == {"store": "s3", "state": "unavailable", "reason": "not found (404)"}
    assert rows["remote/digits.csv"]["storeFacts"]["state"] == "notRead"
    assert rows["remote/web.txt"]["storeFacts"] is None
    assert rows["README.md"]["storeFacts"] is None
    synced = rows["synced/train.csv/train.csv"]["storeFacts"]
    assert synced["source"] == "metadata" and synced["size"] == len(objects["data/train.csv"])


def test_ls_table_marks_sizes_as_the_stores(server, s3, linked):
    out = arty(server, "ls", f"{WS}/{NAME}:1.0.0", env_extra=aws_env(s3))
    assert out.returncode == 0, out.stderr
    line = next(l for l in out.stdout.splitlines() if l.startswith("remote/big.bin"))
    assert "↗ 3.0 MiB s3" in line
    assert "↗ access denied (403)" in next(l for l in out.stdout.splitlines() if l.startswith("remote/secret.bin"))


def test_without_credentials_nothing_is_requested_from_s3(server, s3, linked, tmp_path):
    proxy = s3["proxy"]
    before = proxy.connections
    endpoint_only = {"AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{proxy.port}", "HOME": str(tmp_path)}
    rows = rows_by_path(arty(server, "ls", f"{WS}/{NAME}:1.0.0", "--json", env_extra=endpoint_only))
    assert rows["remote/train.csv"]["storeFacts"] is None
    assert rows["synced/train.csv/train.csv"]["storeFacts"]["source"] == "metadata"  # known without asking
    dest = tmp_path / "out"
    out = arty(server, "download", f"{WS}/{NAME}:1.0.0", str(dest), "--include-remote", "--json", env_extra=endpoint_only)
    assert out.returncode == 0, out.stderr
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file() and ".arty" not in p.parts) == \
        ["README.md", "remote-assets.json"]
    assert proxy.connections == before


def test_include_remote_fetches_byte_identical_objects_and_reports_refusals(server, s3, web, linked, tmp_path):
    dest = tmp_path / "out"
    web_before = web.requests
    # A bare --include-remote before DIR leaves DIR the destination (it means --include-remote=s3).
    out = arty(server, "download", f"{WS}/{NAME}:1.0.0", "--include-remote", str(dest), "--json", env_extra=aws_env(s3))
    assert out.returncode == 1, out.stderr  # some links are refused: reported, the rest is in place
    summary = json.loads(out.stdout)
    objects = s3["objects"]
    assert (dest / "remote/train.csv").read_bytes() == objects["data/train.csv"]
    assert (dest / "remote/big.bin").read_bytes() == BIG
    assert (dest / "remote/images/china.jpg").read_bytes() == objects["images/china.jpg"]
    assert (dest / "remote/images/nested/notes é+x.txt").read_bytes() == objects["images/nested/notes é+x.txt"]
    assert (dest / "synced/train.csv/train.csv").read_bytes() == objects["data/train.csv"]
    failed = {f["path"]: f["reason"] for f in summary["failed"]}
    assert "access denied (403)" in failed["remote/secret.bin"]
    assert "not found (404)" in failed["remote/gone.csv"]
    hostile = "remote/images/" + HOSTILE_KEY[len("images/"):]
    assert hostile in failed, failed
    assert not list(tmp_path.rglob("escape.txt"))
    manifest = {e["logicalPath"]: e["link"] for e in json.loads((dest / "remote-assets.json").read_text())}
    assert set(manifest) == {"remote/digits.csv", "remote/web.txt"}  # not fetched: gs, and web links without =https
    assert web.requests == web_before


def test_an_object_download_resumes_after_a_dropped_connection(server, s3, linked, tmp_path):
    proxy = s3["proxy"]
    proxy.cut = (f"GET /{BUCKET}/data/big.bin", 1024 * 1024)
    first = len(proxy.lines)
    dest = tmp_path / "out"
    out = arty(server, "download", f"{WS}/{NAME}:1.0.0", str(dest), "--include-remote", "--include", "remote/big.bin",
               env_extra=aws_env(s3))
    assert out.returncode == 0, out.stdout + out.stderr
    assert (dest / "remote/big.bin").read_bytes() == BIG
    assert proxy.cut is None  # the cut happened
    ranges = [l for l in proxy.lines[first:] if l.lower().startswith("range: bytes=")]
    assert ranges and int(ranges[-1].split("=")[1].split("-")[0]) > 0, proxy.lines[first:]


def test_web_links_only_with_include_remote_https(server, s3, web, linked, tmp_path):
    before = web.requests
    out = arty(server, "download", f"{WS}/{NAME}:1.0.0", str(tmp_path / "a"), "--include-remote=s3", "--include", "remote/web.txt",
               env_extra=aws_env(s3))
    assert out.returncode == 0, out.stderr
    assert web.requests == before and not (tmp_path / "a/remote/web.txt").exists()
    out = arty(server, "download", f"{WS}/{NAME}:1.0.0", str(tmp_path / "b"), "--include-remote=https", "--include", "remote/web.txt",
               env_extra=aws_env(s3))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "b/remote/web.txt").read_bytes() == b"fetched from a web link\n"
    out = arty(server, "download", f"{WS}/{NAME}:1.0.0", str(tmp_path / "c"), "--include-remote=ftp")
    assert out.returncode == 2 and "--include-remote takes s3 or https" in out.stderr


def test_temporary_credentials_work_and_no_secret_is_ever_printed(server, s3, linked, tmp_path):
    env = aws_env(s3, temporary=True)
    secrets = [env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"], s3["secret"]]
    runs = [arty(server, "ls", f"{WS}/{NAME}:1.0.0", "--json", env_extra=env)]
    rows = rows_by_path(runs[0])
    assert rows["remote/train.csv"]["storeFacts"].get("size") == len(s3["objects"]["data/train.csv"]), json.dumps(rows["remote/train.csv"])
    assert rows["remote/train.csv"]["storeFacts"]["size"] == len(s3["objects"]["data/train.csv"])
    runs.append(arty(server, "download", f"{WS}/{NAME}:1.0.0", str(tmp_path / "t"), "--include-remote", env_extra=env))
    assert (tmp_path / "t/remote/train.csv").read_bytes() == s3["objects"]["data/train.csv"]
    wrong = {**aws_env(s3), "AWS_SECRET_ACCESS_KEY": "wrong-" + s3["secret"]}
    bad_token = {**aws_env(s3), "AWS_SESSION_TOKEN": "tok-" + s3["secret"]}
    secrets += [wrong["AWS_SECRET_ACCESS_KEY"], bad_token["AWS_SESSION_TOKEN"]]
    runs.append(arty(server, "ls", f"{WS}/{NAME}:1.0.0", env_extra=wrong))
    assert "↗ signature refused (403)" in runs[-1].stdout, runs[-1].stdout
    runs.append(arty(server, "ls", f"{WS}/{NAME}:1.0.0", "--json", env_extra=bad_token))
    assert rows_by_path(runs[-1])["remote/images"]["storeFacts"]["reason"] == "InvalidToken (400)"
    runs.append(arty(server, "download", f"{WS}/{NAME}:1.0.0", str(tmp_path / "w"), "--include-remote", env_extra=wrong))
    assert runs[-1].returncode == 1 and "remote/train.csv: s3://arty-s3-test/data/train.csv: access denied (403)" in runs[-1].stderr  # a HEAD answer has no body to say why
    for run in runs:
        for secret in secrets:
            assert secret not in run.stdout and secret not in run.stderr


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tui_shows_store_sizes_and_facts(server, s3, linked, tmp_path):
    from test_tui_e2e import Tmux

    env = {"HOME": str(tmp_path), "LANG": "C.UTF-8", "TERM": "xterm-256color", "COMET_URL_OVERRIDE": server.url_override,
           "COMET_API_KEY": API_KEY, "COMET_WORKSPACE": WS, **aws_env(s3)}
    t = Tmux(ARTY_BIN, env, width=120, height=30)
    try:
        t.wait_for(re.escape(NAME))
        t.keys("l")  # the artifact's versions
        t.wait_for(r"›1\.0\.0")
        t.keys("l")  # the version's assets: sizes of the links on screen are read from S3
        screen = t.wait_for(r"↗ 3\.0 MiB s3")
        assert re.search(r"remote/images.*↗ 3 obj .* s3", screen), screen
        assert re.search(r"remote/secret\.bin.*↗ access denied \(403\)", screen), screen
        assert re.search(r"remote/gone\.csv.*↗ not found \(404\)", screen), screen
        assert re.search(r"synced/train\.csv/train\.csv.*↗ 2\.7 KiB s3", screen), screen
        # The details of the selected link: the store's exact size and ETag.
        t.type("/big")
        t.keys("Enter")
        screen = t.wait_for(r"Store +S3 object: 3\.0 MiB")
        details = "".join(line.split("│")[2][12:].strip() for line in screen.splitlines()[2:] if line.count("│") >= 2)
        details = details.replace(" ", "")  # wrapped lines lose the space at the wrap
        assert "(3145851bytes)" in details and "ETag:" + hashlib.md5(BIG).hexdigest() in details, details
        # The download dialog offers the S3 objects (off by default); r takes them in.
        t.keys("Escape", "h")
        t.wait_for(r"›1\.0\.0")
        t.keys("d")
        screen = t.wait_for(r"r fetches the")
        assert "S3 objects fetched" not in screen
        dest = pathlib.Path(tempfile.mkdtemp(prefix="s3dl", dir="/tmp"))  # short enough to show whole
        t.keys("e", "C-u")
        t.type(str(dest))
        t.keys("Enter")
        t.wait_for(r"Destination +" + re.escape(str(dest)))
        t.keys("r")
        screen = t.wait_for(r"S3 objects fetched: \d+ files")
        assert "Refused" in screen and "not found (404)" in screen, screen
        t.keys("y")
        t.wait_for(r"(?i)failed|finished|downloaded", timeout=60)
        deadline = time.monotonic() + 60
        while not (dest / "remote/big.bin").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (dest / "remote/big.bin").read_bytes() == BIG
        assert (dest / "remote/images/china.jpg").read_bytes() == s3["objects"]["images/china.jpg"]
        assert (dest / "README.md").read_bytes() == b"# linked data\n"
        assert not list(dest.parent.glob("escape.txt")) and not list(dest.rglob("escape.txt"))
        shutil.rmtree(dest)
    finally:
        t.close()
