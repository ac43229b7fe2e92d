"""Uploads one folder as a new artifact version with the official SDK (comet-ml 3.58.8): Experiment.log_artifact().
Usage: sdk_upload.py WORKSPACE ARTIFACT DIR. The environment points the SDK at the registry (COMET_URL_OVERRIDE,
COMET_API_KEY). Prints three lines: the elapsed seconds from the Experiment's creation until Experiment.end() returned
(end() waits for the queued file uploads; the imports are not counted), the seconds from log_artifact() to the same
end, and the logged version."""
import os
import sys
import time

os.environ.setdefault("COMET_ERROR_TRACKING_ENABLE", "false")
for name in ("COMET_AUTO_LOG_ENV_DETAILS", "COMET_AUTO_LOG_GIT_METADATA", "COMET_AUTO_LOG_GIT_PATCH"):
    os.environ.setdefault(name, "false")
import comet_ml  # noqa: E402

workspace, name, folder = sys.argv[1:4]
t_exp = time.monotonic()
exp = comet_ml.Experiment(
    project_name="wan-bench", workspace=workspace, log_code=False, log_graph=False, auto_param_logging=False,
    auto_metric_logging=False, auto_output_logging=None, log_env_details=False, log_git_metadata=False,
    log_git_patch=False, log_env_gpu=False, log_env_host=False, log_env_cpu=False, log_env_network=False,
    log_env_disk=False, display_summary_level=0)
artifact = comet_ml.Artifact(name, "dataset")
artifact.add(folder)
t0 = time.monotonic()
logged = exp.log_artifact(artifact)
exp.end()
t1 = time.monotonic()
print(f"{t1 - t_exp:.3f}")
print(f"{t1 - t0:.3f}")
print(logged.version)
