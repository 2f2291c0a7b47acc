#!/usr/bin/env python3
"""Reference outputs of segmentation_models.pytorch (smp) 0.6.0 models for SegKit's segpredict
(issue 17). Random weights with random BatchNorm statistics (seeded), PyTorch CPU, eval mode.

    .venv-reference/bin/python Fixtures/models/smp/generate.py

Deterministic: fixed seeds, oneDNN capped at AVX2 and safetensors headers in canonical order, as
the other model generators (Fixtures/models/README.md); scripts/regenerate-fixtures runs it.

Needs segmentation-models-pytorch==0.6.0, timm==1.0.31, torchvision==0.28.0 and huggingface-hub in
the reference environment beside torch 2.13.0+cpu. PyPI's torchvision wheel is built against
PyPI's (CUDA) torch: with torch+cpu its compiled operators (nms, roi_align...) do not load and its
`_meta_registrations` import fails. smp's ResNet encoders use none of them (torchvision.models is
pure Python), so this script puts an empty module in that import's place before importing smp.

Writes, per model NAME:
- NAME/config.json: exactly what smp's save_pretrained writes (the constructor arguments); left out
  for the plain-state_dict model, whose settings travel in the safetensors metadata instead.
- NAME/model.safetensors: smp's state_dict under smp's key names, without the tensors the model
  never uses (encoder stages beyond encoder_depth, num_batches_tracked), to keep the file small.
  Models marked `half` are stored as float16: their weights and statistics are first rounded to
  float16 values and the reference output is computed from those rounded values (in float32),
  so the file holds exactly the model that produced the output, at half the size.
- NAME/expected.safetensors: `input` (1 x C x H x W, uniform [0, 1)) and `logits`, the model's
  output before smp's activation (and `output`, after it, when the model has one); for models with an `odd` size also `input_odd` and `logits_odd` at a size smp refuses
  for every architecture but Unet, computed as SegKit documents it: zero padding at the bottom and
  right to the next multiple of the encoder's output stride, the output cropped back (Unet runs the
  odd size directly, as smp's Unet does).

Every architecture and encoder SegKit runs appears at a small width: ResNet-18 (BasicBlock),
ResNet-50 (Bottleneck), MobileNet-V2, a one-block-per-stage ResNet ("resnet10-tiny", registered
here, so that a dilated ResNet stage fits in a small file), Unet, UnetPlusPlus, FPN (add and cat,
nearest and bilinear, depths 3 and 4), DeepLabV3Plus (output strides 8 and 16, separable and plain
ASPP) and Linknet. Full-size models are compared by scripts/smp_agreement.py, not committed.
"""
import copy
import os
import shutil
import sys
import tempfile
import types

os.environ["ONEDNN_MAX_CPU_ISA"] = "AVX2"  # before torch loads: byte-identical outputs on any x86-64 CPU (../README.md)
sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import segmentation_models_pytorch as smp  # noqa: E402
from segmentation_models_pytorch.encoders import encoders  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from training import canonical_header  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# ResNet-18 with one BasicBlock per stage: smp's key names, a dilated layer3 in a small file.
TINY = copy.deepcopy(encoders["resnet18"])
TINY["params"]["layers"] = [1, 1, 1, 1]
TINY["pretrained_settings"] = {}
encoders["resnet10-tiny"] = TINY

MODELS = {
    # name: (class, constructor arguments, (height, width), extras)
    "unet-resnet18-d3": (smp.Unet, dict(encoder_name="resnet18", encoder_weights=None, encoder_depth=3,
                                        decoder_channels=(32, 16, 8), in_channels=1, classes=2), (64, 96),
                         dict(odd=(50, 38))),
    # Bottleneck blocks; scSE attention (cSE's middle has C/16 channels: at least 16 channels).
    "unet-resnet50-d2-scse": (smp.Unet, dict(encoder_name="resnet50", encoder_weights=None, encoder_depth=2,
                                             decoder_channels=(32, 16), decoder_attention_type="scse", in_channels=3,
                                             classes=1), (40, 56), {}),
    "unetplusplus-resnet18-d3-scse": (smp.UnetPlusPlus, dict(encoder_name="resnet18", encoder_weights=None, encoder_depth=3,
                                                             decoder_channels=(32, 16, 16), decoder_attention_type="scse",
                                                             in_channels=1, classes=1), (64, 80), dict(half=True, odd=(50, 38))),
    "fpn-resnet18-d3": (smp.FPN, dict(encoder_name="resnet18", encoder_weights=None, encoder_depth=3,
                                      decoder_pyramid_channels=32, decoder_segmentation_channels=32, upsampling=1,
                                      in_channels=1, classes=1), (48, 64), dict(half=True)),
    "fpn-mobilenet_v2-d4-cat": (smp.FPN, dict(encoder_name="mobilenet_v2", encoder_weights=None, encoder_depth=4,
                                              decoder_pyramid_channels=32, decoder_segmentation_channels=64,
                                              decoder_merge_policy="cat", decoder_interpolation="bilinear", upsampling=2,
                                              in_channels=3, classes=2, activation="softmax"), (64, 96),
                                dict(half=True, odd=(45, 70))),
    "deeplabv3plus-mobilenet_v2-d4-os8": (smp.DeepLabV3Plus, dict(encoder_name="mobilenet_v2", encoder_weights=None,
                                                                  encoder_depth=4, encoder_output_stride=8, decoder_channels=32,
                                                                  decoder_atrous_rates=(2, 4, 6), in_channels=3, classes=3),
                                          (64, 64), dict(half=True, odd=(45, 70))),
    # Linknet: 4x4 stride-2 transposed convolutions; 45x70 padded to 48x72.
    "linknet-resnet18-d3": (smp.Linknet, dict(encoder_name="resnet18", encoder_weights=None, encoder_depth=3,
                                              in_channels=1, classes=2), (48, 64), dict(half=True, odd=(45, 70))),
    # smp's DeepLabV3Plus defaults (depth 5, output stride 16: modules 14-18 dilated by 2, ASPP
    # output upsampled x4) on the smallest encoder.
    "deeplabv3plus-mobilenet_v2-d5-os16": (smp.DeepLabV3Plus, dict(encoder_name="mobilenet_v2", encoder_weights=None,
                                                                   encoder_depth=5, encoder_output_stride=16, decoder_channels=32,
                                                                   decoder_atrous_rates=(1, 2, 3), in_channels=1, classes=1),
                                           (64, 96), dict(half=True, odd=(50, 70))),
    # A plain state_dict (no config.json): the architecture and the settings the tensors do not
    # show travel in the metadata, under smp's argument names.
    "deeplabv3plus-resnet10tiny-d4-os8-plain": (smp.DeepLabV3Plus, dict(encoder_name="resnet10-tiny", encoder_weights=None,
                                                                        encoder_depth=4, encoder_output_stride=8,
                                                                        decoder_channels=32, decoder_atrous_rates=(3, 5, 7),
                                                                        decoder_aspp_separable=False, in_channels=1, classes=1),
                                                (48, 64),
                                                dict(half=True, config=False, odd=(45, 70),
                                                     metadata={"arch": "smp-deeplabv3plus", "encoder_output_stride": "8",
                                                               "decoder_atrous_rates": "3,5,7", "activation": "sigmoid"})),
}

# MobileNet-V2 modules whose output smp returns, per depth (its _out_indexes).
MOBILENET_OUTPUTS = [1, 3, 6, 13, 18]


def randomize_batchnorm(model, generator):
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.GroupNorm)):
            n = m.weight.numel()
            with torch.no_grad():
                m.weight.copy_(torch.rand(n, generator=generator) + 0.5)
                m.bias.copy_(torch.rand(n, generator=generator) - 0.5)
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.copy_(torch.rand(n, generator=generator) - 0.5)
                    m.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.5)


def unused(key, depth):
    """Encoder tensors the model never runs at this depth."""
    if key.startswith("encoder.layer"):
        return int(key[len("encoder.layer")]) >= depth
    if key.startswith("encoder.features."):
        return int(key.split(".")[2]) > MOBILENET_OUTPUTS[depth - 1]
    return False


def used_keys(model, depth, half):
    return {k: (v.half() if half and v.is_floating_point() else v).contiguous() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked") and not unused(k, depth)}


def run(model, x, multiple):
    """The model on x zero-padded at the bottom and right to `multiple`, cropped back."""
    h, w = x.shape[2:]
    ph, pw = -h % multiple, -w % multiple
    with torch.no_grad():
        y = model(torch.nn.functional.pad(x, (0, pw, 0, ph)))
    return y[:, :, :h, :w]


def main():
    torch.use_deterministic_algorithms(True)
    for name, (cls, kwargs, (h, w), extras) in MODELS.items():
        generator = torch.Generator().manual_seed(17)
        torch.manual_seed(17)
        model = cls(**kwargs)
        randomize_batchnorm(model, generator)
        model.eval()
        if extras.get("half"):
            with torch.no_grad():
                for t in list(model.parameters()) + list(model.buffers()):
                    if t.is_floating_point():
                        t.copy_(t.half().float())
        x = torch.rand(1, kwargs["in_channels"], h, w, generator=generator)
        with torch.no_grad():
            output = model(x)
            # The logits: the head without smp's activation (its last module).
            activation = model.segmentation_head[-1]
            model.segmentation_head[-1] = torch.nn.Identity()
            logits = model(x)
        tensors = {"input": x.contiguous(), "logits": logits.contiguous()}
        if kwargs.get("activation"):
            tensors["output"] = output.contiguous()
        if "odd" in extras:
            xo = torch.rand(1, kwargs["in_channels"], *extras["odd"], generator=generator)
            multiple = 1 if cls is smp.Unet else model.encoder.output_stride
            tensors["input_odd"] = xo.contiguous()
            tensors["logits_odd"] = run(model, xo, multiple).contiguous()
        model.segmentation_head[-1] = activation
        out = os.path.join(HERE, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        if extras.get("config", True):
            with tempfile.TemporaryDirectory() as tmp:
                model.save_pretrained(tmp)
                shutil.copy(os.path.join(tmp, "config.json"), os.path.join(out, "config.json"))
        save_file(used_keys(model, kwargs["encoder_depth"], extras.get("half", False)), os.path.join(out, "model.safetensors"),
                  metadata=extras.get("metadata"))
        save_file(tensors, os.path.join(out, "expected.safetensors"),
                  metadata={"smp": smp.__version__, "torch": torch.__version__})
        for f in ("model.safetensors", "expected.safetensors"):
            canonical_header(os.path.join(out, f))
        print(name, tuple(logits.shape), os.path.getsize(os.path.join(out, "model.safetensors")) // 1024, "KiB")


if __name__ == "__main__":
    main()
