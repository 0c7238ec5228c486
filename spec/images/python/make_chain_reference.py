"""Pillow's results at the sizes of the IMG bench chain (a 224×224 crop of a 512×512 photo, resized to
128×128, rotated by nearest neighbour), written as PNG files, and an RGBA input with its resizes (four
channels take the kernels' general path). The tests compare the ImagesBatch actions with them pixel
for pixel.

Run from the repository root:  python spec/images/python/make_chain_reference.py
Writes spec/fixtures/images/chain/*.png. Python is not needed by the tests: they only read the PNGs.
"""
import os
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'fixtures', 'images')
OUT = os.path.join(FIXTURES, 'chain')
os.makedirs(OUT, exist_ok=True)

# the crop the tests make with crop({ origin: [100, 77], shape: [224, 224] }): rows 100..323, columns 77..300
crop = Image.open(os.path.join(FIXTURES, 'astronaut.png')).convert('RGB').crop((77, 100, 77 + 224, 100 + 224))
crop.resize((128, 128), Image.BICUBIC).save(os.path.join(OUT, 'resize-128-bicubic.png'))
crop.resize((128, 128), Image.BILINEAR).save(os.path.join(OUT, 'resize-128-bilinear.png'))
crop.resize((97, 131), Image.LANCZOS).save(os.path.join(OUT, 'resize-131x97-lanczos.png'))
for angle, name in ((13.7, '13.7'), (-11.3, 'minus-11.3')):
    crop.rotate(angle, resample=Image.NEAREST).save(os.path.join(OUT, f'rotate-nearest-{name}.png'))

# an RGBA input: a 61×75 crop of chelsea.png with a horizontal alpha ramp
rgb = np.asarray(Image.open(os.path.join(FIXTURES, 'chelsea.png')).convert('RGB'))[120:181, 180:255]
alpha = np.tile((np.arange(75) * 255 // 74).astype(np.uint8), (61, 1))
rgba = Image.fromarray(np.dstack([rgb, alpha]), 'RGBA')
rgba.save(os.path.join(OUT, 'rgba-input.png'))
# ImagesBatch resizes the four channels without Pillow's alpha premultiplication (docs/differences.md):
# the reference is Pillow's resize of each band on its own, merged
per_band = lambda size, flt: Image.merge('RGBA', [band.resize(size, flt) for band in rgba.split()])
per_band((53, 37), Image.LANCZOS).save(os.path.join(OUT, 'rgba-resize-37x53-lanczos.png'))
per_band((131, 90), Image.BICUBIC).save(os.path.join(OUT, 'rgba-resize-90x131-bicubic.png'))
rgba.rotate(-7.5, resample=Image.NEAREST).save(os.path.join(OUT, 'rgba-rotate-nearest-minus-7.5.png'))
