"""Downloads one artifact version with cometx (Comet's command-line tool, PyPI 3.6.11), as `cometx download
WORKSPACE/artifacts/ARTIFACT/VERSION -o DIR` does, in this process so that the imports (≈ 3 s of CPU) are not
timed. Usage: cometx_download.py WORKSPACE ARTIFACT VERSION DIR; the files land in DIR/WORKSPACE/artifacts/ARTIFACT/.
The environment points it at the registry (COMET_URL_OVERRIDE, COMET_API_KEY). Prints the elapsed seconds of the
command (API client, lookups, downloads) on the last line; exits 1 when cometx reports a failure (it prints
failures and returns normally)."""
import contextlib
import io
import os
import sys
import time

os.environ.setdefault("COMET_ERROR_TRACKING_ENABLE", "false")
import comet_ml  # noqa: E402,F401
import cometx.framework.comet  # noqa: E402,F401
from cometx.cli import download  # noqa: E402

workspace, name, version, dest = sys.argv[1:5]
out = io.StringIO()
t0 = time.monotonic()
with contextlib.redirect_stdout(out):
    download.main([f"{workspace}/artifacts/{name}/{version}", "-o", dest])
elapsed = time.monotonic() - t0
text = out.getvalue()
sys.stderr.write(text)
if "aborted" in text or "Traceback" in text:
    sys.exit(1)
print(f"{elapsed:.3f}")
