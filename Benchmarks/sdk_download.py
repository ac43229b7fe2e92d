"""Downloads one artifact version with the official SDK (comet-ml 3.58.8): LoggedArtifact.download().
Usage: sdk_download.py WORKSPACE ARTIFACT VERSION DIR. The environment points the SDK at the local
registry (COMET_URL_OVERRIDE, COMET_API_KEY); prints the elapsed seconds of the download call."""
import os
import sys
import time

os.environ.setdefault("COMET_ERROR_TRACKING_ENABLE", "false")
import comet_ml  # noqa: E402

workspace, name, version, dest = sys.argv[1:5]
api = comet_ml.API(api_key=os.environ["COMET_API_KEY"], cache=False)
art = api.get_artifact(workspace, name, version=version)
t0 = time.monotonic()
art.download(dest)
print(f"{time.monotonic() - t0:.3f}")
