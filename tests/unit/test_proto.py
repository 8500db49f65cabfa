"""gRPC specs carry a proto service definition that protoc (from grpcio-tools) compiles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smartspec.content.proto import proto_for
from smartspec.runs.model import model_for

SERVING = "gRPC model serving on GPUs with Triton, model versions, Redis cache"


def compile_proto(text: str, folder: Path) -> None:
    protoc = pytest.importorskip("grpc_tools.protoc")
    import importlib.resources

    include = str(importlib.resources.files("grpc_tools") / "_proto")
    source = folder / "service.proto"
    source.write_text(text, encoding="utf-8")
    code = protoc.main(["protoc", f"-I{folder}", f"-I{include}", f"--python_out={folder}",
                        str(source)])
    assert code == 0, text


def test_model_serving_proto_compiles_and_has_the_models_rpcs(tmp_path: Path) -> None:
    model = model_for("model-serving", SERVING)
    text = proto_for(model)
    assert "rpc Predict(PredictRequest) returns (PredictResponse);" in text
    assert "rpc PredictStream(stream PredictRequest) returns (stream PredictResponse);" in text
    assert "MODEL_STATUS_SERVING = 2;" in text
    compile_proto(text, tmp_path)


def test_generated_spec_has_the_proto_block_and_no_rest_table(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    result = run_cli(["new", "model-serving", SERVING, "--no-report"], tmp_path)
    assert result.code == 0, result.err
    (spec,) = tmp_path.glob("specs/*/*/spec.md")
    text = spec.read_text(encoding="utf-8")
    block = re.search(r"```proto\n(.*?)```", text, re.DOTALL)
    assert block is not None
    compile_proto(block.group(1), tmp_path)
    assert "| POST | `/api/v1/" not in text


def test_a_rest_service_has_no_proto() -> None:
    assert proto_for(model_for("user-service", "REST API for users, PostgreSQL")) == ""
