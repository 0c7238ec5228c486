"""Reference values for the ImagesBatch actions, made with Pillow / numpy / SciPy (what Python
BatchFlow's ImagesBatch uses) from small crops of the photos in spec/fixtures/images/.

Run from the repository root:  python spec/images/python/make_reference.py
Writes spec/fixtures/images/reference-values.json: {"inputs": {name: array}, "cases": [...]}, every
array as {"shape": [...], "dtype": "uint8" | "float32", "base64": <C-order bytes>}. Sizes and
positions in the cases are numpy's [rows, columns]; Pillow's (x, y) arguments are built from them.
Python is not needed by the tests: they only read the JSON.
"""
import base64, json, math, os
import numpy as np
import PIL, scipy
from PIL import Image, ImageChops, ImageEnhance, ImageOps
from scipy.ndimage import gaussian_filter, map_coordinates

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'fixtures', 'images')


def enc(array):
    array = np.ascontiguousarray(array)
    return {'shape': list(array.shape), 'dtype': str(array.dtype), 'base64': base64.b64encode(array.tobytes()).decode()}


rgb = np.asarray(Image.open(os.path.join(FIXTURES, 'chelsea.png')).convert('RGB'))[100:132, 200:240].copy()
gray = np.asarray(Image.open(os.path.join(FIXTURES, 'camera.png')).convert('L'))[180:212, 220:260].copy()
alpha = np.tile(np.linspace(0, 255, rgb.shape[1]).astype(np.uint8), (rgb.shape[0], 1))
rgba = np.dstack([rgb, alpha])
inputs = {'rgb': rgb, 'gray': gray, 'rgba': rgba}
pil = lambda name: Image.fromarray(inputs[name])
cases = []


def case(action, input, options, expected, tolerance=0, note=None):
    entry = {'action': action, 'input': input, 'options': options, 'expected': enc(np.asarray(expected)), 'tolerance': tolerance}
    if note: entry['note'] = note
    cases.append(entry)


# ---- geometric, exact ---------------------------------------------------------------------------
for name in ('rgb', 'gray'):
    case('flip', name, {'mode': 'lr'}, ImageOps.mirror(pil(name)))
    case('flip', name, {'mode': 'ud'}, ImageOps.flip(pil(name)))
    case('crop', name, {'origin': [5, 7], 'shape': [16, 20]}, pil(name).crop((7, 5, 27, 21)))
    case('crop', name, {'origin': 'center', 'shape': [16, 21]}, pil(name).crop(((40 - 21) // 2, (32 - 16) // 2, (40 - 21) // 2 + 21, (32 - 16) // 2 + 16)))
    case('crop', name, {'origin': [-3, 30], 'shape': [10, 20]}, pil(name).crop((30, -3, 50, 7)))
    case('crop', name, {'origin': [-3, 30], 'shape': [10, 20], 'cropBoundaries': True}, pil(name).crop((30, 0, 40, 7)))
    case('shift', name, {'offset': [3, -5]}, pil(name).transform(pil(name).size, Image.AFFINE, (1, 0, 5, 0, 1, -3)))
    case('shift', name, {'offset': [3, -5], 'mode': 'wrap'}, ImageChops.offset(pil(name), -5, 3))
    case('invert', name, {}, ImageChops.invert(pil(name)))
    case('posterize', name, {'bits': 3}, ImageOps.posterize(pil(name), 3))
fill = (10, 20, 30)
case('pad', 'rgb', {'border': [1, 2, 3, 4], 'fill': list(fill)}, ImageOps.expand(pil('rgb'), border=(1, 2, 3, 4), fill=fill))
case('pad', 'gray', {'border': 3, 'fill': 9}, ImageOps.expand(pil('gray'), border=3, fill=9))
bands = list(pil('rgb').split())
bands[0], bands[2] = ImageChops.invert(bands[0]), ImageChops.invert(bands[2])
case('invert', 'rgb', {'channels': [0, 2]}, Image.merge('RGB', bands))
cut = pil('rgb').copy()
cut.paste(Image.new('RGB', (7, 5), (255, 0, 0)), (6, 4))
case('cutout', 'rgb', {'origin': [4, 6], 'shape': [5, 7], 'color': [255, 0, 0]}, cut)
low, high = (30, 40, 50), (200, 210, 220)
case('clip', 'rgb', {'low': list(low), 'high': list(high)},
     ImageChops.lighter(ImageChops.darker(pil('rgb'), Image.new('RGB', (40, 32), high)), Image.new('RGB', (40, 32), low)))
# numpy arithmetic as BatchFlow's ndarray branch: float32 operand, clip, astype
term = np.float32([10, -20, 5.5])
case('add', 'rgb', {'term': [10, -20, 5.5], 'clip': True, 'preserveType': True}, np.clip(term + rgb, 0, 255).astype(np.uint8))
case('add', 'rgb', {'term': 7.25}, (np.float32(7.25) + rgb).astype(np.float32))
case('multiply', 'rgb', {'multiplier': 1.3, 'clip': True, 'preserveType': True}, np.clip(np.float32(1.3) * rgb, 0, 255).astype(np.uint8))
case('multiply', 'gray', {'multiplier': 0.5}, (np.float32(0.5) * gray).astype(np.float32))
background = np.full((40, 50, 3), 77, np.uint8)
mask = np.tile(np.linspace(0, 255, rgb.shape[1]).astype(np.uint8), (rgb.shape[0], 1))
for with_mask in (False, True):
    bg = Image.fromarray(background)
    bg.paste(pil('rgb'), (4, 3), Image.fromarray(mask) if with_mask else None)
    options = {'background': enc(background), 'origin': [3, 4]}
    if with_mask: options['mask'] = enc(mask)
    case('putOnBackground', 'rgb', options, bg)
# patches: windows every stride plus one flush with the edge (BatchFlow's split_to_patches)
def patches(image, shape, stride):
    rows = list(range(0, image.height - shape[0] + 1, stride[0]))
    cols = list(range(0, image.width - shape[1] + 1, stride[1]))
    if rows[-1] + shape[0] != image.height: rows.append(image.height - shape[0])
    if cols[-1] + shape[1] != image.width: cols.append(image.width - shape[1])
    return np.stack([np.asarray(image.crop((c, r, c + shape[1], r + shape[0]))) for r in rows for c in cols])
case('splitToPatches', 'rgb', {'patchShape': [10, 16], 'stride': [8, 12]}, patches(pil('rgb'), (10, 16), (8, 12)))
# ImageEnhance
names = {'h': 'Color', 'c': 'Contrast', 'b': 'Brightness', 's': 'Sharpness'}
for name in ('rgb', 'gray', 'rgba'):
    for letter in ('hcbs' if name != 'rgba' else 'hc'):
        for factor in (0.4, 1.6):
            case('enhance', name, {'layout': letter, 'factor': [factor]}, getattr(ImageEnhance, names[letter])(pil(name)).enhance(factor))
image = pil('rgb')
for letter, factor in zip('hcbs', (1.2, 0.8, 1.1, 1.7)):
    image = getattr(ImageEnhance, names[letter])(image).enhance(factor)
case('enhance', 'rgb', {'layout': 'hcbs', 'factor': [1.2, 0.8, 1.1, 1.7]}, image)

# ---- interpolating ------------------------------------------------------------------------------
filters = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC, 'lanczos': Image.LANCZOS, 'box': Image.BOX, 'hamming': Image.HAMMING}
for name in ('rgb', 'gray'):
    for resample, flt in filters.items():
        if name == 'gray' and resample not in ('nearest', 'bilinear', 'bicubic'): continue
        for size in ((20, 28), (41, 47)):
            case('resize', name, {'size': list(size), 'resample': resample}, pil(name).resize((size[1], size[0]), flt))
case('resize', 'rgb', {'size': [None, 30]}, pil('rgb').resize((30, int(32 * 30 / 40)), Image.BICUBIC))
for factor, preserve in ((0.6, False), (0.6, True), (1.5, True)):
    w, h = math.ceil(40 * factor), math.ceil(32 * factor)
    scaled = pil('rgb').resize((w, h), Image.NEAREST)
    if preserve:
        out = Image.new('RGB', (40, 32))
        ox, oy = max(0, 40 - w) // 2, max(0, 32 - h) // 2
        cx, cy = max(0, w - 40) // 2, max(0, h - 32) // 2
        out.paste(scaled.crop((cx, cy, cx + min(w, 40), cy + min(h, 32))), (ox, oy))
        scaled = out
    case('scale', 'rgb', {'factor': factor, 'preserveShape': preserve}, scaled)
for name in ('rgb', 'gray'):
    for angle in (17, -33.5, 90, 180):
        for resample in ('nearest', 'bilinear', 'bicubic'):
            case('rotate', name, {'angle': angle, 'resample': resample}, pil(name).rotate(angle, resample=filters[resample]))
    case('rotate', name, {'angle': 25, 'expand': True, 'preserveShape': False}, pil(name).rotate(25, expand=True))
    case('rotate', name, {'angle': 12, 'center': [5, 9], 'resample': 'bilinear'}, pil(name).rotate(12, center=(9, 5), resample=Image.BILINEAR))

# elastic_transform's two SciPy steps, on numpy's random fields (our fields come from the item's generator)
rng = np.random.default_rng(5)
small = rgb[:16, :20]
field = rng.uniform(-1, 1, size=small.shape).astype(np.float32)
elastic = {'input': enc(small), 'field': enc(field), 'sigma': 2.5, 'alpha': 4.0}
elastic['smoothed'] = enc(gaussian_filter(field.astype(np.float64), 2.5, mode='constant', cval=0).astype(np.float32))
dy = (gaussian_filter(rng.uniform(-1, 1, size=small.shape), 2.5, mode='constant', cval=0) * 4.0).astype(np.float32)
dx = (gaussian_filter(rng.uniform(-1, 1, size=small.shape), 2.5, mode='constant', cval=0) * 4.0).astype(np.float32)
rows, cols, chans = np.meshgrid(np.arange(16), np.arange(20), np.arange(3), indexing='ij')
elastic['dy'], elastic['dx'] = enc(dy), enc(dx)
coordinates = (rows + dy.astype(np.float64), cols + dx.astype(np.float64), chans)
elastic['expected'] = enc(np.uint8(map_coordinates(small, coordinates, order=1, mode='reflect')))

# the photos as Pillow decodes them: md5 of the PNGs' pixels, a crop of the JPEG (decoders may differ slightly)
import hashlib
decoded = {}
for name in ('astronaut.png', 'camera.png', 'chelsea.png', 'rocket.jpg'):
    array = np.asarray(Image.open(os.path.join(FIXTURES, name)))
    decoded[name] = {'shape': list(array.shape), 'md5': hashlib.md5(np.ascontiguousarray(array).tobytes()).hexdigest(), 'crop': enc(array[200:216, 300:316])}

versions = {'numpy': np.__version__, 'Pillow': PIL.__version__, 'scipy': scipy.__version__}
with open(os.path.join(FIXTURES, 'reference-values.json'), 'w') as out:
    json.dump({'versions': versions, 'inputs': {k: enc(v) for k, v in inputs.items()}, 'cases': cases, 'elastic': elastic, 'decoded': decoded}, out)
print(len(cases), 'cases', versions)
