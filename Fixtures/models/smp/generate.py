#!/usr/bin/env python3
"""Reference outputs of segmentation_models.pytorch (smp) 0.6.0 models for SegKit's segpredict
(issue 17). Random weights with random BatchNorm statistics (seeded), PyTorch CPU, eval mode.

    .venv-reference/bin/python Fixtures/models/smp/generate.py

Needs segmentation-models-pytorch==0.6.0, timm==1.0.31, torchvision==0.28.0 and huggingface-hub in
the reference environment beside torch 2.13.0+cpu. PyPI's torchvision wheel is built against
PyPI's (CUDA) torch: with torch+cpu its compiled operators (nms, roi_align...) do not load and its
`_meta_registrations` import fails. smp's ResNet encoders use none of them (torchvision.models is
pure Python), so this script puts an empty module in that import's place before importing smp.

Writes, per model NAME:
- NAME/config.json: exactly what smp's save_pretrained writes (the constructor arguments).
- NAME/model.safetensors: smp's state_dict under smp's key names, without the tensors the model
  never uses (the ResNet stages beyond encoder_depth, num_batches_tracked), to keep the file small.
- NAME/expected.safetensors: `input` (1 x C x H x W, uniform [0, 1)) and `logits`, the model's output.

Committed models are small: ResNet-18 at encoder depth 3 (stem, layer1, layer2: 0.7 M parameters),
ResNet-50 at depth 2 with scSE attention (stem, layer1: 0.3 M).
"""
import json
import os
import shutil
import sys
import tempfile
import types

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")

import segmentation_models_pytorch as smp  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

MODELS = {
    "unet-resnet18-d3": (smp.Unet, dict(encoder_name="resnet18", encoder_weights=None, encoder_depth=3,
                                        decoder_channels=(32, 16, 8), in_channels=1, classes=2), (64, 96)),
    # Bottleneck blocks; scSE attention (cSE's middle has C/16 channels: at least 16 channels).
    "unet-resnet50-d2-scse": (smp.Unet, dict(encoder_name="resnet50", encoder_weights=None, encoder_depth=2,
                                             decoder_channels=(32, 16), decoder_attention_type="scse", in_channels=3,
                                             classes=1), (40, 56)),
}


def randomize_batchnorm(model, generator):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            with torch.no_grad():
                m.weight.copy_(torch.rand(n, generator=generator) + 0.5)
                m.bias.copy_(torch.rand(n, generator=generator) - 0.5)
                m.running_mean.copy_(torch.rand(n, generator=generator) - 0.5)
                m.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.5)


def used_keys(model, depth):
    unused = tuple(f"encoder.layer{i}." for i in range(depth, 5))
    return {k: v.contiguous() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked") and not k.startswith(unused)}


def main():
    torch.use_deterministic_algorithms(True)
    for name, (cls, kwargs, (h, w)) in MODELS.items():
        generator = torch.Generator().manual_seed(17)
        torch.manual_seed(17)
        model = cls(**kwargs)
        randomize_batchnorm(model, generator)
        model.eval()
        x = torch.rand(1, kwargs["in_channels"], h, w, generator=generator)
        with torch.no_grad():
            logits = model(x)
        out = os.path.join(HERE, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        with tempfile.TemporaryDirectory() as tmp:
            model.save_pretrained(tmp)
            shutil.copy(os.path.join(tmp, "config.json"), os.path.join(out, "config.json"))
        save_file(used_keys(model, kwargs["encoder_depth"]), os.path.join(out, "model.safetensors"))
        save_file({"input": x.contiguous(), "logits": logits.contiguous()}, os.path.join(out, "expected.safetensors"),
                  metadata={"smp": smp.__version__, "torch": torch.__version__})
        print(name, tuple(logits.shape), json.load(open(os.path.join(out, "config.json"))))


if __name__ == "__main__":
    main()
