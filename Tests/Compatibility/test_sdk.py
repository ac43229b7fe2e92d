"""The official comet-ml SDK (3.58.8, unchanged) logs and reads artifacts on `arty serve`.

Logging goes through Experiment.log_artifact (local folders and files, remote s3:// gs:// https://
links, with and without explicit versions, aliases and version tags); reading goes through
comet_ml.API() and Experiment.get_artifact; every assertion compares real values with what was
logged: names, versions, sizes, aliases, tags and downloaded bytes.
"""
import os
import pathlib

import pytest

from conftest import DATASET, MODEL, REMOTES, WORKSPACE, api, new_experiment

def downloaded_files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in pathlib.Path(root).rglob("*") if p.is_file()}


def test_log_artifact_answers_server_versions(logged):
    v1, v2, model, v3 = logged["logged"]
    assert str(v1.version) == "1.0.0"
    assert str(v2.version) == "2.0.0"  # next major when no version is given
    assert str(model.version) == "1.0.0"  # first version of a new artifact
    assert str(v3.version) == "2.1.0"
    assert v1.workspace == WORKSPACE
    assert v1.artifact_type == "dataset" and model.artifact_type == "model"


def test_workspaces(server, logged):
    names = api().get_workspaces()
    assert WORKSPACE in names
    assert "arty" in names  # the default user's own workspace


def test_artifact_list_with_and_without_type(logged):
    everything = api().get_artifact_list(WORKSPACE)["artifacts"]
    assert sorted(a["name"] for a in everything) == sorted([DATASET, MODEL])
    models = api().get_artifact_list(WORKSPACE, "model")["artifacts"]
    assert [a["name"] for a in models] == [MODEL]
    dataset = next(a for a in everything if a["name"] == DATASET)
    assert dataset["type"] == "dataset"
    assert dataset["latestVersion"] == "2.1.0"
    sizes = sum(len(b) for b in logged["v1"].values()) + 2 * sum(len(b) for b in logged["v2"].values())
    assert dataset["sizeInBytes"] == sizes


def test_details_by_name_and_by_id(logged):
    by_name = api().get_artifact_details(workspace=WORKSPACE, artifact_name=DATASET)
    by_id = api().get_artifact_details(artifact_id=by_name["artifactId"])
    assert by_id == by_name
    versions = {v["version"]: v for v in by_name["versions"]}
    assert sorted(versions) == ["1.0.0", "2.0.0", "2.1.0"]
    assert versions["1.0.0"]["alias"] == []  # "production" moved to 2.1.0
    assert versions["2.0.0"]["alias"] == ["staging"]
    assert sorted(versions["2.1.0"]["alias"]) == ["production", "stable"]
    assert sorted(versions["1.0.0"]["tags"]) == ["csv", "sklearn"]
    assert versions["1.0.0"]["state"] == "CLOSED"
    assert versions["1.0.0"]["createdFrom"] == logged["experiment_key"]
    assert versions["1.0.0"]["sizeInBytes"] == sum(len(b) for b in logged["v1"].values())
    assert isinstance(versions["1.0.0"]["added"], int) and versions["1.0.0"]["added"] > 1_600_000_000_000


def test_files_by_version_and_alias(logged):
    files = api().get_artifact_files(workspace=WORKSPACE, artifact_name=DATASET, version="1.0.0")["files"]
    local = {f["fileName"]: f for f in files if not f["remote"]}
    remote = {f["fileName"]: f for f in files if f["remote"]}
    assert {k: v["fileSize"] for k, v in local.items()} == {k: len(b) for k, b in logged["v1"].items()}
    assert {k: v["link"] for k, v in remote.items()} == REMOTES
    assert all(f["link"] is None for f in local.values())
    by_alias = api().get_artifact_files(workspace=WORKSPACE, artifact_name=DATASET, alias="staging")["files"]
    assert {f["fileName"]: f["fileSize"] for f in by_alias} == {k: len(b) for k, b in logged["v2"].items()}


def test_api_get_artifact_latest_and_download(logged, tmp_path):
    art = api().get_artifact(WORKSPACE, DATASET)  # alias=latest
    assert str(art.version) == "2.1.0"
    art = api().get_artifact(WORKSPACE, DATASET, version="1.0.0")
    assert str(art.version) == "1.0.0"
    assert sorted(art.version_tags) == ["csv", "sklearn"]
    assert art.metadata == {"source": "scikit-learn wheel", "files": len(logged["v1"])}
    assert art.size == sum(len(b) for b in logged["v1"].values())
    assets = {a.logical_path: a for a in art.assets}
    assert {k for k, a in assets.items() if a.remote} == set(REMOTES)
    assert {k: a.size for k, a in assets.items() if not a.remote} == {k: len(b) for k, b in logged["v1"].items()}
    art.download(str(tmp_path))
    assert downloaded_files(tmp_path) == logged["v1"]  # remote assets are listed, never downloaded


def test_api_get_artifact_by_alias_and_unicode_name(logged, tmp_path):
    art = api().get_artifact(WORKSPACE, DATASET, alias="staging")
    assert str(art.version) == "2.0.0"
    model = api().get_artifact(WORKSPACE, MODEL, alias="candidate")
    assert model.name == MODEL
    model.download(str(tmp_path))
    assert downloaded_files(tmp_path) == logged["model"]


def test_experiment_get_artifact_by_alias(logged, tmp_path):
    exp = new_experiment()
    try:
        art = exp.get_artifact(f"{WORKSPACE}/{DATASET}:production")
        assert str(art.version) == "2.1.0"
        assert art.source_experiment_key != exp.get_key()
        art.download(str(tmp_path))
        assert downloaded_files(tmp_path) == {f"v2/tables/nested/{k.split('/')[-1]}": b for k, b in logged["v2"].items()}
        by_version = exp.get_artifact(DATASET, version_or_alias="2.0.0")  # workspace from the experiment
        assert sorted(by_version.aliases) == ["staging"]
    finally:
        exp.end()


def test_update_aliases_and_tags_through_sdk(logged):
    art = api().get_artifact(WORKSPACE, DATASET, version="2.0.0")
    art.update_aliases(["staging", "production"])  # production moves from 2.1.0 to 2.0.0
    art.update_version_tags(["small", "reviewed"])
    art.update_artifact_tags(["tabular", "images"])
    again = api().get_artifact(WORKSPACE, DATASET, alias="production")
    assert str(again.version) == "2.0.0"
    assert sorted(again.aliases) == ["production", "staging"]
    assert sorted(again.version_tags) == ["reviewed", "small"]
    assert sorted(again.artifact_tags) == ["images", "tabular"]
    newest = api().get_artifact(WORKSPACE, DATASET, version="2.1.0")
    assert sorted(newest.aliases) == ["stable"]
    # Put production back where the other tests expect it.
    newest.update_aliases(["production", "stable"])
    assert str(api().get_artifact(WORKSPACE, DATASET, alias="production").version) == "2.1.0"


def test_missing_artifact_is_artifact_not_found(server):
    from comet_ml.exceptions import ArtifactNotFound

    with pytest.raises(ArtifactNotFound):
        api().get_artifact(WORKSPACE, "no-such-artifact")
    with pytest.raises(ArtifactNotFound):
        api().get_artifact(WORKSPACE, DATASET, version="9.9.9")


def test_existing_version_is_refused(logged):
    import comet_ml
    from comet_ml.exceptions import LogArtifactException

    exp = new_experiment()
    try:
        again = comet_ml.Artifact(DATASET, "dataset", version="1.0.0")
        with pytest.raises(LogArtifactException) as info:
            exp.log_artifact(again)
        assert info.value.sdk_error_code == 90399
        assert "1.0.0" in info.value.backend_err_msg
    finally:
        exp.end()


def test_lineage_through_api_experiment(logged):
    """Versions an experiment logged are its output lineage; versions it fetched are its input."""
    import comet_ml

    producer = comet_ml.APIExperiment(api_key=os.environ["COMET_API_KEY"], previous_experiment=logged["experiment_key"])
    outputs = producer.get_artifact_lineage("output")["artifacts"]
    assert sorted((a["artifactName"], a["version"]) for a in outputs) == [(DATASET, "1.0.0"), (DATASET, "2.0.0"), (MODEL, "1.0.0")]
    assert producer.get_artifact_lineage("input")["artifacts"] == []

    exp = new_experiment()
    exp.get_artifact(MODEL, version_or_alias="candidate")
    consumer_key = exp.get_key()
    exp.end()
    consumer = comet_ml.APIExperiment(api_key=os.environ["COMET_API_KEY"], previous_experiment=consumer_key)
    inputs = consumer.get_artifact_lineage("all")["artifacts"]
    assert [(a["direction"], a["artifactName"], a["version"]) for a in inputs] == [("input", MODEL, "1.0.0")]
