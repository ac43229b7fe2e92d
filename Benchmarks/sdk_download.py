"""Downloads one artifact version with the official SDK (comet-ml 3.58.8): LoggedArtifact.download().
Usage: sdk_download.py WORKSPACE ARTIFACT VERSION DIR. The environment points the SDK at the local
registry (COMET_URL_OVERRIDE, COMET_API_KEY). Prints two lines: the elapsed seconds from the API client's creation
through the download (the version's lookups included: what a far server makes costly), then the seconds of the
download call alone (the last line)."""
import os
import sys
import time

os.environ.setdefault("COMET_ERROR_TRACKING_ENABLE", "false")
import comet_ml  # noqa: E402

workspace, name, version, dest = sys.argv[1:5]
t_api = time.monotonic()
api = comet_ml.API(api_key=os.environ["COMET_API_KEY"], cache=False)
art = api.get_artifact(workspace, name, version=version)
t0 = time.monotonic()
art.download(dest)
t1 = time.monotonic()
print(f"{t1 - t_api:.3f}")
print(f"{t1 - t0:.3f}")
