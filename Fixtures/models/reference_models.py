"""Reference PyTorch module trees for SegKit's agreement fixtures.

Re-implementations (written for SegKit, same structure as the public code) of:

  * ``UNet``        milesial/Pytorch-UNet, current master (unet/unet_parts.py, unet/unet_model.py):
                    DoubleConv(mid) with bias-free 3x3 convs, Down.maxpool_conv, Up(bilinear | ConvTranspose2d), OutConv.
  * ``UNet2019``    the older milesial layout found in many tutorials (double_conv / inconv / down.mpconv / up / outconv,
                    3x3 convs WITH bias, down4 = down(512, 512), up1 = up(1024, 256) ...).
  * ``UNet2020``    the intermediate milesial layout (DoubleConv without mid channels, convs with bias,
                    down4 = Down(512, 512), up1 = Up(1024, 256)), e.g. Jack-Cherish Pytorch-Seg lesson-2.
  * ``U2NET``       xuebinqin/U-2-Net model/u2net.py (REBNCONV, RSU7/6/5/4/4F, _upsample_like), parameterised widths;
                    ``U2NET_full`` and ``U2NETP`` build the two public sizes.
  * ``UNet_3Plus``  ZJUGiveLab/UNet-Version models/UNet_3Plus.py (+ layers.py unetConv2), filters as a parameter.

Parameter names are exactly those of the public code, so ``state_dict()`` keys match real checkpoints.
Channel widths are constructor parameters so that slim versions can be built for small fixtures.
Everything here is deterministic given torch.manual_seed; no weight initialisation beyond PyTorch defaults.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = [
    "DoubleConv", "Down", "Up", "OutConv", "UNet",
    "double_conv", "inconv", "down", "up", "outconv", "UNet2019",
    "DoubleConv2020", "Down2020", "Up2020", "UNet2020",
    "REBNCONV", "RSU7", "RSU6", "RSU5", "RSU4", "RSU4F", "U2NET", "U2NET_full", "U2NETP",
    "U2NET_FULL_CFG", "U2NETP_CFG", "u2net_slim_cfg",
    "unetConv2", "UNet_3Plus",
]


# ---------------------------------------------------------------------------------------------
# milesial/Pytorch-UNet, current version
# ---------------------------------------------------------------------------------------------

def _pad_to(x1, x2):
    """Zero-pad x1 (N,C,h,w) to x2's spatial size: [left, right, top, bottom] =
    [diffX//2, diffX - diffX//2, diffY//2, diffY - diffY//2] (floor division; diffs are >= 0 in practice)."""
    diffY = x2.size(2) - x1.size(2)
    diffX = x2.size(3) - x1.size(3)
    return F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])


class DoubleConv(nn.Module):
    """(conv3x3 => BN => ReLU) * 2; keys double_conv.{0,1,3,4}.*  (conv bias=False in current milesial)."""

    def __init__(self, in_channels, out_channels, mid_channels=None, bias=False):
        super().__init__()
        if not mid_channels:
            mid_channels = out_channels
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1, bias=bias),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1, bias=bias),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    """MaxPool2d(2) (floor mode) then DoubleConv; keys maxpool_conv.1.double_conv.*"""

    def __init__(self, in_channels, out_channels, bias=False):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_channels, out_channels, bias=bias))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    """Upscale x1, pad to x2, cat([x2, x1]), DoubleConv."""

    def __init__(self, in_channels, out_channels, bilinear=True, bias=False):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels, in_channels // 2, bias=bias)
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels, bias=bias)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        x1 = _pad_to(x1, x2)
        x = torch.cat([x2, x1], dim=1)
        return self.conv(x)


class OutConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    """milesial UNet; base=64 gives the real model. Returns raw logits (N, n_classes, H, W).

    ``conv_bias=True`` gives the 2020-2021 milesial layout (same keys plus double_conv.{0,3}.bias)."""

    def __init__(self, n_channels, n_classes, bilinear=True, base=64, conv_bias=False):
        super().__init__()
        self.n_channels = n_channels
        self.n_classes = n_classes
        self.bilinear = bilinear
        b = base
        factor = 2 if bilinear else 1
        cb = conv_bias
        self.inc = DoubleConv(n_channels, b, bias=cb)
        self.down1 = Down(b, 2 * b, bias=cb)
        self.down2 = Down(2 * b, 4 * b, bias=cb)
        self.down3 = Down(4 * b, 8 * b, bias=cb)
        self.down4 = Down(8 * b, 16 * b // factor, bias=cb)
        self.up1 = Up(16 * b, 8 * b // factor, bilinear, bias=cb)
        self.up2 = Up(8 * b, 4 * b // factor, bilinear, bias=cb)
        self.up3 = Up(4 * b, 2 * b // factor, bilinear, bias=cb)
        self.up4 = Up(2 * b, b, bilinear, bias=cb)
        self.outc = OutConv(b, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


# ---------------------------------------------------------------------------------------------
# milesial/Pytorch-UNet, 2018-2019 layout (double_conv / inconv / down / up / outconv)
# ---------------------------------------------------------------------------------------------

class double_conv(nn.Module):
    """(conv3x3 WITH bias => BN => ReLU) * 2; keys conv.{0,1,3,4}.*"""

    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_ch, out_ch, 3, padding=1),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_ch, out_ch, 3, padding=1),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.conv(x)


class inconv(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.conv = double_conv(in_ch, out_ch)

    def forward(self, x):
        return self.conv(x)


class down(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.mpconv = nn.Sequential(nn.MaxPool2d(2), double_conv(in_ch, out_ch))

    def forward(self, x):
        return self.mpconv(x)


class up(nn.Module):
    """bilinear: nn.Upsample(scale_factor=2, bilinear, align_corners=True) (no parameters);
    else ConvTranspose2d(in_ch//2, in_ch//2, 2, stride=2) (with bias). Then pad x1 to x2, cat([x2, x1]), double_conv."""

    def __init__(self, in_ch, out_ch, bilinear=True):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        else:
            self.up = nn.ConvTranspose2d(in_ch // 2, in_ch // 2, 2, stride=2)
        self.conv = double_conv(in_ch, out_ch)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        x1 = _pad_to(x1, x2)
        x = torch.cat([x2, x1], dim=1)
        return self.conv(x)


class outconv(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, 1)

    def forward(self, x):
        return self.conv(x)


class UNet2019(nn.Module):
    """Old milesial UNet: inc(n,b) down1(b,2b) down2(2b,4b) down3(4b,8b) down4(8b,8b)
    up1(16b,4b) up2(8b,2b) up3(4b,b) up4(2b,b) outc(b,n_classes). base=64 is the real model. Returns logits."""

    def __init__(self, n_channels, n_classes, bilinear=True, base=64):
        super().__init__()
        b = base
        self.inc = inconv(n_channels, b)
        self.down1 = down(b, 2 * b)
        self.down2 = down(2 * b, 4 * b)
        self.down3 = down(4 * b, 8 * b)
        self.down4 = down(8 * b, 8 * b)
        self.up1 = up(16 * b, 4 * b, bilinear)
        self.up2 = up(8 * b, 2 * b, bilinear)
        self.up3 = up(4 * b, b, bilinear)
        self.up4 = up(2 * b, b, bilinear)
        self.outc = outconv(b, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


# ---------------------------------------------------------------------------------------------
# milesial/Pytorch-UNet, early-2020 layout (DoubleConv without mid channels, convs with bias,
# Up always DoubleConv(in, out); ConvTranspose2d(in//2, in//2, 2, stride=2))
# ---------------------------------------------------------------------------------------------

class DoubleConv2020(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Down2020(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv2020(in_channels, out_channels))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up2020(nn.Module):
    def __init__(self, in_channels, out_channels, bilinear=True):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        else:
            self.up = nn.ConvTranspose2d(in_channels // 2, in_channels // 2, kernel_size=2, stride=2)
        self.conv = DoubleConv2020(in_channels, out_channels)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        x1 = _pad_to(x1, x2)
        return self.conv(torch.cat([x2, x1], dim=1))


class UNet2020(nn.Module):
    def __init__(self, n_channels, n_classes, bilinear=True, base=64):
        super().__init__()
        b = base
        self.n_channels = n_channels
        self.n_classes = n_classes
        self.bilinear = bilinear
        self.inc = DoubleConv2020(n_channels, b)
        self.down1 = Down2020(b, 2 * b)
        self.down2 = Down2020(2 * b, 4 * b)
        self.down3 = Down2020(4 * b, 8 * b)
        self.down4 = Down2020(8 * b, 8 * b)
        self.up1 = Up2020(16 * b, 4 * b, bilinear)
        self.up2 = Up2020(8 * b, 2 * b, bilinear)
        self.up3 = Up2020(4 * b, b, bilinear)
        self.up4 = Up2020(2 * b, b, bilinear)
        self.outc = OutConv(b, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


# ---------------------------------------------------------------------------------------------
# xuebinqin/U-2-Net
# ---------------------------------------------------------------------------------------------

class REBNCONV(nn.Module):
    """conv3x3 (padding = dilation = dirate, WITH bias) => BN => ReLU."""

    def __init__(self, in_ch=3, out_ch=3, dirate=1):
        super().__init__()
        self.conv_s1 = nn.Conv2d(in_ch, out_ch, 3, padding=1 * dirate, dilation=1 * dirate)
        self.bn_s1 = nn.BatchNorm2d(out_ch)
        self.relu_s1 = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu_s1(self.bn_s1(self.conv_s1(x)))


def _upsample_like(src, tar):
    """Bilinear resize of src to tar's spatial size, align_corners=False (the public code calls the deprecated
    F.upsample without align_corners, which means False)."""
    return F.interpolate(src, size=tar.shape[2:], mode="bilinear", align_corners=False)


def _pool():
    return nn.MaxPool2d(2, stride=2, ceil_mode=True)


class _RSU(nn.Module):
    """RSU-L (L = height): rebnconvin, rebnconv1..rebnconv{L-1} with pool1..pool{L-2} (ceil_mode) between them,
    rebnconv{L} (dirate 2) on the deepest level, decoder rebnconv{L-1}d..rebnconv1d with _upsample_like,
    cat((decoder, skip)), residual hx1d + hxin."""

    height = 7

    def __init__(self, in_ch=3, mid_ch=12, out_ch=3):
        super().__init__()
        L = self.height
        self.rebnconvin = REBNCONV(in_ch, out_ch, dirate=1)
        self.rebnconv1 = REBNCONV(out_ch, mid_ch, dirate=1)
        self.pool1 = _pool()
        for i in range(2, L):
            setattr(self, "rebnconv%d" % i, REBNCONV(mid_ch, mid_ch, dirate=1))
            if i < L - 1:
                setattr(self, "pool%d" % i, _pool())
        setattr(self, "rebnconv%d" % L, REBNCONV(mid_ch, mid_ch, dirate=2))
        for i in range(L - 1, 1, -1):
            setattr(self, "rebnconv%dd" % i, REBNCONV(mid_ch * 2, mid_ch, dirate=1))
        self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, dirate=1)

    def forward(self, x):
        L = self.height
        hxin = self.rebnconvin(x)
        enc = []  # hx1 .. hx{L-1}
        hx = hxin
        for i in range(1, L):
            hx = getattr(self, "rebnconv%d" % i)(hx)
            enc.append(hx)
            if i < L - 1:
                hx = getattr(self, "pool%d" % i)(hx)
        hxL = getattr(self, "rebnconv%d" % L)(enc[-1])
        d = getattr(self, "rebnconv%dd" % (L - 1))(torch.cat((hxL, enc[L - 2]), 1))
        for i in range(L - 2, 0, -1):
            dup = _upsample_like(d, enc[i - 1])
            d = getattr(self, "rebnconv%dd" % i)(torch.cat((dup, enc[i - 1]), 1))
        return d + hxin


class RSU7(_RSU):
    height = 7


class RSU6(_RSU):
    height = 6


class RSU5(_RSU):
    height = 5


class RSU4(_RSU):
    height = 4


class RSU4F(nn.Module):
    """Dilated RSU without pooling: dirates 1,2,4,8 down, 4,2,1 up; residual."""

    def __init__(self, in_ch=3, mid_ch=12, out_ch=3):
        super().__init__()
        self.rebnconvin = REBNCONV(in_ch, out_ch, dirate=1)
        self.rebnconv1 = REBNCONV(out_ch, mid_ch, dirate=1)
        self.rebnconv2 = REBNCONV(mid_ch, mid_ch, dirate=2)
        self.rebnconv3 = REBNCONV(mid_ch, mid_ch, dirate=4)
        self.rebnconv4 = REBNCONV(mid_ch, mid_ch, dirate=8)
        self.rebnconv3d = REBNCONV(mid_ch * 2, mid_ch, dirate=4)
        self.rebnconv2d = REBNCONV(mid_ch * 2, mid_ch, dirate=2)
        self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, dirate=1)

    def forward(self, x):
        hxin = self.rebnconvin(x)
        hx1 = self.rebnconv1(hxin)
        hx2 = self.rebnconv2(hx1)
        hx3 = self.rebnconv3(hx2)
        hx4 = self.rebnconv4(hx3)
        hx3d = self.rebnconv3d(torch.cat((hx4, hx3), 1))
        hx2d = self.rebnconv2d(torch.cat((hx3d, hx2), 1))
        hx1d = self.rebnconv1d(torch.cat((hx2d, hx1), 1))
        return hx1d + hxin


# (mid, out) per stage: encoder stage1..stage6, decoder stage5d, stage4d, stage3d, stage2d, stage1d
U2NET_FULL_CFG = {
    "enc": [(32, 64), (32, 128), (64, 256), (128, 512), (256, 512), (256, 512)],
    "dec": [(256, 512), (128, 256), (64, 128), (32, 64), (16, 64)],
}
U2NETP_CFG = {
    "enc": [(16, 64)] * 6,
    "dec": [(16, 64)] * 5,
}


def u2net_slim_cfg(divisor=8, minimum=1, base=None):
    """U2NET_FULL_CFG (or ``base``) with every width divided by ``divisor`` (at least ``minimum``)."""
    base = base or U2NET_FULL_CFG
    f = lambda c: max(minimum, c // divisor)
    return {k: [(f(m), f(o)) for (m, o) in v] for k, v in base.items()}


class U2NET(nn.Module):
    """U^2-Net with widths from ``cfg`` (default: the real U2NET). Stage input widths follow from the topology:
    stage{k+1}.in = stage{k}.out; stage5d.in = stage6.out + stage5.out; stage{k}d.in = stage{k+1}d.out + stage{k}.out.
    side1..side6 read stage1d, stage2d, stage3d, stage4d, stage5d, stage6 outputs; outconv is 1x1 over 6*out_ch.
    Returns the tuple (sigmoid(d0), sigmoid(d1), ..., sigmoid(d6)), each (N, out_ch, H, W)."""

    def __init__(self, in_ch=3, out_ch=1, cfg=None):
        super().__init__()
        cfg = cfg or U2NET_FULL_CFG
        (m1, o1), (m2, o2), (m3, o3), (m4, o4), (m5, o5), (m6, o6) = cfg["enc"]
        (m5d, o5d), (m4d, o4d), (m3d, o3d), (m2d, o2d), (m1d, o1d) = cfg["dec"]

        self.stage1 = RSU7(in_ch, m1, o1)
        self.pool12 = _pool()
        self.stage2 = RSU6(o1, m2, o2)
        self.pool23 = _pool()
        self.stage3 = RSU5(o2, m3, o3)
        self.pool34 = _pool()
        self.stage4 = RSU4(o3, m4, o4)
        self.pool45 = _pool()
        self.stage5 = RSU4F(o4, m5, o5)
        self.pool56 = _pool()
        self.stage6 = RSU4F(o5, m6, o6)

        self.stage5d = RSU4F(o6 + o5, m5d, o5d)
        self.stage4d = RSU4(o5d + o4, m4d, o4d)
        self.stage3d = RSU5(o4d + o3, m3d, o3d)
        self.stage2d = RSU6(o3d + o2, m2d, o2d)
        self.stage1d = RSU7(o2d + o1, m1d, o1d)

        self.side1 = nn.Conv2d(o1d, out_ch, 3, padding=1)
        self.side2 = nn.Conv2d(o2d, out_ch, 3, padding=1)
        self.side3 = nn.Conv2d(o3d, out_ch, 3, padding=1)
        self.side4 = nn.Conv2d(o4d, out_ch, 3, padding=1)
        self.side5 = nn.Conv2d(o5d, out_ch, 3, padding=1)
        self.side6 = nn.Conv2d(o6, out_ch, 3, padding=1)

        self.outconv = nn.Conv2d(6 * out_ch, out_ch, 1)

    def forward(self, x):
        hx1 = self.stage1(x)
        hx = self.pool12(hx1)
        hx2 = self.stage2(hx)
        hx = self.pool23(hx2)
        hx3 = self.stage3(hx)
        hx = self.pool34(hx3)
        hx4 = self.stage4(hx)
        hx = self.pool45(hx4)
        hx5 = self.stage5(hx)
        hx = self.pool56(hx5)
        hx6 = self.stage6(hx)
        hx6up = _upsample_like(hx6, hx5)

        hx5d = self.stage5d(torch.cat((hx6up, hx5), 1))
        hx5dup = _upsample_like(hx5d, hx4)
        hx4d = self.stage4d(torch.cat((hx5dup, hx4), 1))
        hx4dup = _upsample_like(hx4d, hx3)
        hx3d = self.stage3d(torch.cat((hx4dup, hx3), 1))
        hx3dup = _upsample_like(hx3d, hx2)
        hx2d = self.stage2d(torch.cat((hx3dup, hx2), 1))
        hx2dup = _upsample_like(hx2d, hx1)
        hx1d = self.stage1d(torch.cat((hx2dup, hx1), 1))

        d1 = self.side1(hx1d)
        d2 = _upsample_like(self.side2(hx2d), d1)
        d3 = _upsample_like(self.side3(hx3d), d1)
        d4 = _upsample_like(self.side4(hx4d), d1)
        d5 = _upsample_like(self.side5(hx5d), d1)
        d6 = _upsample_like(self.side6(hx6), d1)

        d0 = self.outconv(torch.cat((d1, d2, d3, d4, d5, d6), 1))
        return tuple(torch.sigmoid(d) for d in (d0, d1, d2, d3, d4, d5, d6))


def U2NET_full(in_ch=3, out_ch=1):
    return U2NET(in_ch, out_ch, U2NET_FULL_CFG)


def U2NETP(in_ch=3, out_ch=1):
    return U2NET(in_ch, out_ch, U2NETP_CFG)


# ---------------------------------------------------------------------------------------------
# ZJUGiveLab/UNet-Version: UNet 3+
# ---------------------------------------------------------------------------------------------

class unetConv2(nn.Module):
    """layers.py unetConv2 with is_batchnorm=True: conv1, conv2 = Sequential(Conv2d(ks, stride, padding) WITH bias,
    BatchNorm2d, ReLU)."""

    def __init__(self, in_size, out_size, is_batchnorm=True, n=2, ks=3, stride=1, padding=1):
        super().__init__()
        self.n = n
        for i in range(1, n + 1):
            if is_batchnorm:
                conv = nn.Sequential(nn.Conv2d(in_size, out_size, ks, stride, padding),
                                     nn.BatchNorm2d(out_size), nn.ReLU(inplace=True))
            else:
                conv = nn.Sequential(nn.Conv2d(in_size, out_size, ks, stride, padding), nn.ReLU(inplace=True))
            setattr(self, "conv%d" % i, conv)
            in_size = out_size

    def forward(self, x):
        for i in range(1, self.n + 1):
            x = getattr(self, "conv%d" % i)(x)
        return x


class UNet_3Plus(nn.Module):
    """UNet 3+ (no deep supervision, no CGM). CatChannels = filters[0], UpChannels = 5 * CatChannels.
    Encoder MaxPool2d(kernel_size=2) (floor); decoder skips MaxPool2d(k, k, ceil_mode=True);
    nn.Upsample(scale_factor=k, mode='bilinear') i.e. align_corners=False. Returns sigmoid(outconv1(hd1))."""

    def __init__(self, in_channels=3, n_classes=1, filters=(64, 128, 256, 512, 1024), is_batchnorm=True):
        super().__init__()
        self.in_channels = in_channels
        self.is_batchnorm = is_batchnorm
        filters = list(filters)
        self.filters = filters

        self.conv1 = unetConv2(in_channels, filters[0], is_batchnorm)
        self.maxpool1 = nn.MaxPool2d(kernel_size=2)
        self.conv2 = unetConv2(filters[0], filters[1], is_batchnorm)
        self.maxpool2 = nn.MaxPool2d(kernel_size=2)
        self.conv3 = unetConv2(filters[1], filters[2], is_batchnorm)
        self.maxpool3 = nn.MaxPool2d(kernel_size=2)
        self.conv4 = unetConv2(filters[2], filters[3], is_batchnorm)
        self.maxpool4 = nn.MaxPool2d(kernel_size=2)
        self.conv5 = unetConv2(filters[3], filters[4], is_batchnorm)

        self.CatChannels = filters[0]
        self.CatBlocks = 5
        self.UpChannels = self.CatChannels * self.CatBlocks
        C, U = self.CatChannels, self.UpChannels

        # The five inputs of each decoder stage d (4, 3, 2, 1), in concatenation order:
        #   h{i}_PT_hd{d}  for i < d : MaxPool2d(2^(d-i), 2^(d-i), ceil_mode=True) on encoder h{i}
        #   h{d}_Cat_hd{d}            : encoder h{d} as is
        #   hd{j}_UT_hd{d} for j > d : Upsample(scale_factor=2^(j-d), bilinear) on decoder hd{j} (hd5 = encoder out)
        # each followed by conv3x3(-> CatChannels, bias) + BN + ReLU; then conv{d}d_1/bn{d}d_1/relu{d}d_1 (U -> U).
        enc_ch = {1: filters[0], 2: filters[1], 3: filters[2], 4: filters[3]}
        for d in (4, 3, 2, 1):
            for i in range(1, d):
                k = 2 ** (d - i)
                self._block("h%d_PT_hd%d" % (i, d), enc_ch[i], C, pool=nn.MaxPool2d(k, k, ceil_mode=True))
            self._block("h%d_Cat_hd%d" % (d, d), enc_ch[d], C)
            for j in range(d + 1, 6):
                k = 2 ** (j - d)
                src = filters[4] if j == 5 else U
                self._block("hd%d_UT_hd%d" % (j, d), src, C, pool=nn.Upsample(scale_factor=k, mode="bilinear"))
            setattr(self, "conv%dd_1" % d, nn.Conv2d(U, U, 3, padding=1))
            setattr(self, "bn%dd_1" % d, nn.BatchNorm2d(U))
            setattr(self, "relu%dd_1" % d, nn.ReLU(inplace=True))

        self.outconv1 = nn.Conv2d(U, n_classes, 3, padding=1)

    def _block(self, name, cin, cout, pool=None):
        # registration order (pool/upsample, conv, bn, relu) matches the public file, so state_dict order matches
        if pool is not None:
            setattr(self, name, pool)
        setattr(self, name + "_conv", nn.Conv2d(cin, cout, 3, padding=1))
        setattr(self, name + "_bn", nn.BatchNorm2d(cout))
        setattr(self, name + "_relu", nn.ReLU(inplace=True))

    def _apply_block(self, name, x, resample=True):
        if resample:
            x = getattr(self, name)(x)
        x = getattr(self, name + "_conv")(x)
        x = getattr(self, name + "_bn")(x)
        return getattr(self, name + "_relu")(x)

    def forward(self, inputs):
        h1 = self.conv1(inputs)
        h2 = self.conv2(self.maxpool1(h1))
        h3 = self.conv3(self.maxpool2(h2))
        h4 = self.conv4(self.maxpool3(h3))
        hd5 = self.conv5(self.maxpool4(h4))

        h = {1: h1, 2: h2, 3: h3, 4: h4}
        hd = {5: hd5}
        for d in (4, 3, 2, 1):
            parts = []
            for i in range(1, d):
                parts.append(self._apply_block("h%d_PT_hd%d" % (i, d), h[i]))
            parts.append(self._apply_block("h%d_Cat_hd%d" % (d, d), h[d], resample=False))
            for j in range(d + 1, 6):
                parts.append(self._apply_block("hd%d_UT_hd%d" % (j, d), hd[j]))
            x = torch.cat(parts, 1)
            x = getattr(self, "conv%dd_1" % d)(x)
            x = getattr(self, "bn%dd_1" % d)(x)
            hd[d] = getattr(self, "relu%dd_1" % d)(x)

        d1 = self.outconv1(hd[1])
        return torch.sigmoid(d1)
