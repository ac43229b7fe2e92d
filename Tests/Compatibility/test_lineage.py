"""Lineage recorded as Comet records it (issue 15, issue 13).

A producer experiment logs an artifact version; a consumer experiment reads it with
`Experiment.get_artifact` (which sends `consumerExperimentKey`, reference §2.5) and downloads it.
The registry then answers the SDK's own lineage call (`APIExperiment.get_artifact_lineage`,
`GET get/artifacts?experimentKey=&filter=`, §2.8) for both experiments, and arty's client
(`arty ls WS/NAME:VERSION --json --lineage`, and the table's last line) names the producer with
its name and project and the consumer.
"""
import json
import os
import subprocess

import comet_ml

from conftest import API_KEY, ARTY_BIN, new_experiment

LINEAGE_ARTIFACT = "lineage-input"
# A workspace of its own: the session's registry is shared, and other tests count compat-ws's artifacts.
WORKSPACE = "lineage-ws"


def arty(server, *args):
    env = {**os.environ, "COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY}
    out = subprocess.run([ARTY_BIN, *args], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_download_through_an_experiment_is_recorded_as_lineage(server, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "train.csv").write_text("a,b\n1,2\n3,4\n")
    (source / "labels.txt").write_text("cat\ndog\n")

    producer = new_experiment(project="lineage-producers", workspace=WORKSPACE)
    artifact = comet_ml.Artifact(LINEAGE_ARTIFACT, "dataset", version="1.0.0", aliases=["gold"])
    artifact.add(str(source), logical_path="data")
    producer.log_artifact(artifact)
    producer_key = producer.get_key()
    producer.end()

    consumer = new_experiment(project="lineage-consumers", workspace=WORKSPACE)
    logged = consumer.get_artifact(LINEAGE_ARTIFACT, workspace=WORKSPACE, version_or_alias="gold")
    assert logged.source_experiment_key == producer_key
    logged.download(str(tmp_path / "downloaded"))
    assert (tmp_path / "downloaded" / "data" / "train.csv").read_text() == "a,b\n1,2\n3,4\n"
    consumer_key = consumer.get_key()
    version_id = logged._artifact_version_id  # no public property in 3.58.8
    consumer.end()
    # Named through the REST API (write/experiment/set-name), as the cometx test does.
    comet_ml.APIExperiment(api_key=API_KEY, previous_experiment=producer_key).set_name("make-dataset")
    comet_ml.APIExperiment(api_key=API_KEY, previous_experiment=consumer_key).set_name("train-model")

    # The SDK's own lineage call, for the consumer: one input edge, the version it read.
    consumed = comet_ml.APIExperiment(api_key=API_KEY, previous_experiment=consumer_key).get_artifact_lineage("input")
    assert [(e["direction"], e["artifactName"], e["version"], e["workspaceName"], e["artifactVersionId"], e["experimentKey"])
            for e in consumed["artifacts"]] == [("input", LINEAGE_ARTIFACT, "1.0.0", WORKSPACE, version_id, producer_key)]
    assert consumed["artifacts"][0]["alias"] == ["gold"]
    assert comet_ml.APIExperiment(api_key=API_KEY, previous_experiment=consumer_key).get_artifact_lineage("output")["artifacts"] == []

    # ... and for the producer: one output edge, the version it logged (in state CLOSED after end()).
    produced = comet_ml.APIExperiment(api_key=API_KEY, previous_experiment=producer_key).get_artifact_lineage()
    assert [(e["direction"], e["artifactName"], e["version"], e["state"], e["sizeInBytes"]) for e in produced["artifacts"]] == \
           [("output", LINEAGE_ARTIFACT, "1.0.0", "CLOSED", len("a,b\n1,2\n3,4\n") + len("cat\ndog\n"))]

    # A second read by the same experiment is one consumption, not two.
    again = new_experiment(project="lineage-consumers", workspace=WORKSPACE)
    again.get_artifact(f"{WORKSPACE}/{LINEAGE_ARTIFACT}:1.0.0")
    again_key = again.get_key()
    again.end()

    # arty's client: producer with name and project, consumers in the order they read the version.
    listing = json.loads(arty(server, "ls", f"{WORKSPACE}/{LINEAGE_ARTIFACT}:gold", "--json", "--lineage"))
    assert (listing["version"], listing["artifactVersionId"]) == ("1.0.0", version_id)
    lineage = listing["lineage"]
    assert lineage["producer"]["experimentKey"] == producer_key
    assert (lineage["producer"]["experimentName"], lineage["producer"]["projectName"], lineage["producer"]["workspaceName"]) == \
           ("make-dataset", "lineage-producers", WORKSPACE)
    assert lineage["consumersAvailable"] is True
    assert [(c["experimentKey"], c["experimentName"], c["projectName"]) for c in lineage["consumers"]] == \
           [(consumer_key, "train-model", "lineage-consumers"), (again_key, None, "lineage-consumers")]
    assert all(isinstance(c["added"], int) for c in lineage["consumers"])
    assert sorted(a["logicalPath"] for a in listing["assets"]) == ["data/labels.txt", "data/train.csv"]

    # The table's last line says the same in words; plain --json keeps the array of asset rows.
    last = arty(server, "ls", f"{WORKSPACE}/{LINEAGE_ARTIFACT}:1.0.0").rstrip("\n").splitlines()[-1]
    assert last == (f"produced by {producer_key} (make-dataset · {WORKSPACE}/lineage-producers) · consumed by "
                    f"{consumer_key} (train-model · {WORKSPACE}/lineage-consumers), {again_key} ({WORKSPACE}/lineage-consumers)")
    assert isinstance(json.loads(arty(server, "ls", f"{WORKSPACE}/{LINEAGE_ARTIFACT}:1.0.0", "--json")), list)

    # --lineage belongs to a version: on an artifact it is a usage error, not silently ignored.
    env = {**os.environ, "COMET_URL_OVERRIDE": server.url_override, "COMET_API_KEY": API_KEY}
    refused = subprocess.run([ARTY_BIN, "ls", f"{WORKSPACE}/{LINEAGE_ARTIFACT}", "--json", "--lineage"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--lineage needs a version" in refused.stderr
