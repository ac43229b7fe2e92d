"""Issue 15, the operator's server: `arty serve --tls-cert/--tls-key` (HTTPS with a certificate from a test
CA made here with openssl) for the official SDK (comet-ml 3.58.8) and arty's own client, each trusting the
CA through its own setting and arty refusing without it; the clear-text warning beyond loopback; and the
bounded graceful shutdown on SIGTERM (an upload in flight finishes, a stalled request does not hold the
server past --shutdown-timeout, a second signal stops at once).
"""
import hashlib
import json
import os
import pathlib
import signal
import sqlite3
import ssl
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request

import pytest

from conftest import ARTY_BIN, Server

KEY = "tls-compat-key"
WS = "tls-ws"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A test CA (ca.pem) and a server certificate it signed for 127.0.0.1 (server.pem, server.key)."""
    d = tmp_path_factory.mktemp("pki")
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"),
            "-days", "2", "-subj", "/CN=arty compat test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"),
            "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.pem"), "-CAkey", str(d / "ca.key"),
            "-CAcreateserial", "-out", str(d / "server.pem"), "-days", "2", "-extfile", str(d / "ext.cnf"))
    return {"ca": str(d / "ca.pem"), "cert": str(d / "server.pem"), "key": str(d / "server.key")}


@pytest.fixture(scope="module")
def tls_server(pki, tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("tls") / "data", api_key=KEY,
                 extra_args=["--tls-cert", pki["cert"], "--tls-key", pki["key"]]).start()
    yield srv
    srv.stop()


def client_env(server, **extra):
    """The environment of a client of `server`: no CA setting unless given in `extra`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "COMET_INCLUDE_CUSTOM_CA_BUNDLE", "ARTY_READ_ONLY")}
    env.update({"COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": KEY, "COMET_WORKSPACE": WS})
    env.update(extra)
    return env


SDK_SCRIPT = textwrap.dedent("""
    import json, pathlib, sys
    import comet_ml
    source, target = sys.argv[1], sys.argv[2]
    exp = comet_ml.Experiment(project_name="tls", workspace="%s", log_code=False, log_graph=False,
                              auto_param_logging=False, auto_metric_logging=False, auto_output_logging=None,
                              log_env_details=False, log_git_metadata=False, log_git_patch=False,
                              log_env_gpu=False, log_env_host=False, log_env_cpu=False, log_env_network=False,
                              log_env_disk=False, display_summary_level=0)
    artifact = comet_ml.Artifact("over https", "dataset", version="1.0.0", aliases=["prod"])
    artifact.add(source, logical_path="files")
    exp.log_artifact(artifact)
    exp.end()
    got = comet_ml.API(cache=False).get_artifact("%s", "over https", alias="prod")
    got.download(target)
    print(json.dumps({"version": str(got.version), "assets": sorted(a.logical_path for a in got.assets)}))
""" % (WS, WS))


@pytest.fixture(scope="module")
def sdk_logged(tls_server, pki, tmp_path_factory):
    """The SDK logs `over https` 1.0.0 (alias prod) over HTTPS, trusting the CA through its own setting
    (COMET_INCLUDE_CUSTOM_CA_BUNDLE, merged into its certifi bundle), and downloads it back."""
    source = tmp_path_factory.mktemp("tls-src")
    files = {"a.txt": b"over TLS\n", "deep/b.bin": bytes((i * 13 + 5) % 256 for i in range(400_000))}
    for name, blob in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(blob)
    target = tmp_path_factory.mktemp("tls-sdk-download")
    home = tmp_path_factory.mktemp("tls-home")
    out = subprocess.run([sys.executable, "-c", SDK_SCRIPT, str(source), str(target)],
                         env=client_env(tls_server, COMET_INCLUDE_CUSTOM_CA_BUNDLE=pki["ca"], HOME=str(home)),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    return {"files": {f"files/{k}": v for k, v in files.items()}, "summary": summary, "sdk_download": target}


def tree(root):
    root = pathlib.Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != ".arty"}


def test_serve_prints_an_https_override(tls_server):
    assert tls_server.url_override == f"https://127.0.0.1:{tls_server.port}/clientlib/"


def test_health_over_https_with_the_ca(tls_server, pki):
    context = ssl.create_default_context(cafile=pki["ca"])
    with urllib.request.urlopen(f"https://127.0.0.1:{tls_server.port}/health", context=context, timeout=10) as reply:
        assert reply.status == 200
        assert json.loads(reply.read()) == {"status": "ok"}
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(f"https://127.0.0.1:{tls_server.port}/health",
                               context=ssl.create_default_context(), timeout=10)
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)


def test_sdk_logs_and_downloads_over_https(sdk_logged):
    assert sdk_logged["summary"] == {"version": "1.0.0", "assets": sorted(sdk_logged["files"])}
    assert tree(sdk_logged["sdk_download"]) == sdk_logged["files"]


def test_arty_lists_and_downloads_over_https_with_the_ca(tls_server, pki, sdk_logged, tmp_path):
    env = client_env(tls_server, COMET_INCLUDE_CUSTOM_CA_BUNDLE=pki["ca"])
    out = subprocess.run([ARTY_BIN, "ls", "--json", WS], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert [a["name"] for a in json.loads(out.stdout)] == ["over https"]
    out = subprocess.run([ARTY_BIN, "download", f"{WS}/over https:prod", str(tmp_path / "d"), "--json"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["failed"] == []
    assert tree(tmp_path / "d") == sdk_logged["files"]


def test_arty_refuses_the_server_without_the_ca(tls_server, sdk_logged, tmp_path):
    out = subprocess.run([ARTY_BIN, "ls", "--json", WS], env=client_env(tls_server),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert out.stdout == ""
    assert "TLS verification failed" in out.stderr, out.stderr
    assert "COMET_INCLUDE_CUSTOM_CA_BUNDLE" in out.stderr
    out = subprocess.run([ARTY_BIN, "download", f"{WS}/over https:prod", str(tmp_path / "d")],
                         env=client_env(tls_server), capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "TLS verification failed" in out.stderr, out.stderr
    assert not (tmp_path / "d" / "files").exists()


@pytest.mark.parametrize("args, message", [
    (["--tls-cert", "CERT"], "--tls-cert needs --tls-key"),
    (["--tls-key", "KEY"], "--tls-key needs --tls-cert"),
    (["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "KEY"], "--tls-cert '/nonexistent/cert.pem': no such file"),
    (["--tls-cert", "CERT", "--tls-key", "CERT"], "no usable PEM private key"),
    (["--tls-cert", "CERT", "--tls-key", "CA_KEY"], "is not the private key of the certificate"),
])
def test_tls_options_are_checked_before_serving(pki, tmp_path, args, message):
    ca_key = str(pathlib.Path(pki["ca"]).with_name("ca.key"))
    args = [{"CERT": pki["cert"], "KEY": pki["key"], "CA_KEY": ca_key}.get(a, a) for a in args]
    out = subprocess.run([ARTY_BIN, "serve", "--data", str(tmp_path / "data"), *args],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2  # a usage error
    assert message in out.stderr, out.stderr
    assert "COMET_URL_OVERRIDE" not in out.stdout


def stopped(srv, timeout=30):
    """Waits for the server process to end; (exit status, stderr)."""
    srv.proc.wait(timeout=timeout)
    return srv.proc.returncode, srv.proc.stderr.read()


def test_plain_http_beyond_loopback_warns_once(tmp_path):
    srv = Server(tmp_path / "wide", api_key=KEY, extra_args=["--host", "0.0.0.0"]).start()
    srv.proc.send_signal(signal.SIGTERM)
    status, err = stopped(srv)
    assert status == 0
    warnings = [line for line in err.splitlines() if "clear text" in line]
    assert len(warnings) == 1
    assert "0.0.0.0" in warnings[0] and "--tls-cert" in warnings[0]


def test_no_warning_on_loopback_or_with_tls(tmp_path, pki):
    for name, extra in (("loop", []), ("tls", ["--host", "0.0.0.0", "--tls-cert", pki["cert"], "--tls-key", pki["key"]])):
        srv = Server(tmp_path / name, api_key=KEY, extra_args=extra).start()
        srv.proc.send_signal(signal.SIGTERM)
        status, err = stopped(srv)
        assert status == 0
        assert "clear text" not in err


def test_sigterm_lets_an_upload_in_flight_finish(tmp_path):
    """`arty log` uploads one file; the upload stalls 2 s in the server (hidden fault) and SIGTERM arrives
    in the stall. The server refuses new connections, answers the upload, then exits; the asset is in the
    registry's data directory."""
    data = tmp_path / "data"
    srv = Server(data, api_key=KEY, extra_args=["--faults", "upload-asset=stall:2000"]).start()
    folder = tmp_path / "folder"
    folder.mkdir()
    payload = bytes((i * 7 + 1) % 256 for i in range(2_000_000))
    (folder / "weights.bin").write_bytes(payload)
    log = subprocess.Popen([ARTY_BIN, "log", str(folder), "--workspace", WS, "--artifact", "in flight", "--type", "model"],
                           env=client_env(srv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # the version is created and the upload sits in its 2 s stall
    sent = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    status, err = stopped(srv)
    took = time.monotonic() - sent
    log.communicate(timeout=120)
    assert status == 0, err
    assert "stopping" in err
    assert 0.5 < took < 8, took  # waited for the upload, well inside the default 10 s bound

    # The version stays OPEN (arty log's closing call found the server gone), but the asset row and its blob
    # were committed: read the data directory directly.
    with sqlite3.connect(data / "registry.sqlite") as db:
        rows = db.execute("SELECT logical_path, size, blob_sha256 FROM assets").fetchall()
    assert rows == [("weights.bin", len(payload), hashlib.sha256(payload).hexdigest())]
    blobs = [p for p in (data / "blobs").rglob("*") if p.is_file() and p.name == rows[0][2]]
    assert len(blobs) == 1 and hashlib.sha256(blobs[0].read_bytes()).hexdigest() == rows[0][2]


def hold_a_request(srv):
    """Starts a GET /health that the server stalls (hidden fault); returns its thread."""
    def get():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{srv.port}/health", timeout=120).read()
        except Exception:
            pass
    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    time.sleep(0.5)
    return thread


def test_a_request_past_the_bound_does_not_hold_the_server(tmp_path):
    srv = Server(tmp_path / "data", api_key=KEY,
                 extra_args=["--faults", "health=stall:60000", "--shutdown-timeout", "1"]).start()
    hold_a_request(srv)
    sent = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    status, err = stopped(srv)
    took = time.monotonic() - sent
    assert 0.9 < took < 6, took
    assert status == 0, err  # ended by the bound, not by the last-resort exit (status 1, 5 s after it)
    assert "waiting up to 1 s" in err


def test_a_second_signal_stops_at_once(tmp_path):
    srv = Server(tmp_path / "data", api_key=KEY,
                 extra_args=["--faults", "health=stall:60000", "--shutdown-timeout", "60"]).start()
    hold_a_request(srv)
    sent = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    srv.proc.send_signal(signal.SIGINT)
    status, err = stopped(srv)
    assert time.monotonic() - sent < 3
    assert status == 1
    assert "stopped at once" in err
