"""GP503 ml-frameworks: ML framework: no Go training stack; keep it in Python, serve from Go."""

from __future__ import annotations

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.ecosystem._shared import _PackageImports
from goport.model import Category, Trait


class MlFrameworks(_PackageImports, Detector):
    """Imports of ML frameworks: torch, tensorflow, keras, jax, sklearn, xgboost, transformers...

    What it detects: each import statement of ``torch`` (and torchvision/torchaudio),
    ``tensorflow``, ``keras``, ``jax``/``flax``, ``sklearn``, ``xgboost``, ``lightgbm``,
    ``catboost``, ``transformers``, ``sentence_transformers``, ``statsmodels``, ``spacy`` or
    ``onnxruntime``, once per statement.
    Why it matters for a Go port: training and most inference live in these Python/C++ stacks
    with no Go counterpart; the realistic split is Python trains, Go serves an exported model
    or calls a model server.
    Go idiom: Go serves models, Python trains them: export to ONNX and run it with
    ``onnxruntime-go``, or call a model server (Triton, TF Serving, TorchServe) over gRPC/HTTP.
    Known limits: a module that only loads a model for inference could move to ONNX in Go;
    the import alone cannot tell training from serving.
    """

    ID = "GP503"
    NAME = "ml-frameworks"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 4.0
    PYTHON = "import torch / tensorflow / sklearn / transformers / xgboost"
    GO_IDIOM = "Go serves models, Python trains them: ONNX via onnxruntime-go or a model server"
    SUMMARY = "ML framework: no Go training stack; keep it in Python, serve from Go"
    TRAITS = (Trait.NATIVE_NUMERIC,)
    PACKAGES = (
        "torch",
        "torchvision",
        "torchaudio",
        "tensorflow",
        "keras",
        "jax",
        "jaxlib",
        "flax",
        "sklearn",
        "xgboost",
        "lightgbm",
        "catboost",
        "transformers",
        "sentence_transformers",
        "statsmodels",
        "spacy",
        "onnxruntime",
    )
    LABEL = "ML framework"
    MATCHES = (
        Match(
            """
            import torch
            import torch.nn as nn
            """,
            line=1,
        ),
        Match(
            """
            from sklearn.linear_model import LogisticRegression as LR
            """,
            line=1,
        ),
        Match(
            """
            import tensorflow as tf
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import onnx_helpers
            from .model import predict
            """
        ),
        NoMatch(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import torch
            """
        ),
    )
