"""Bench IMG's reference numbers: the same augmentation chain and image-file work in Pillow (the library
Python BatchFlow's ImagesBatch runs its actions with), single process.

Run from the repository root in a Python environment with numpy and Pillow:
    python bench/python/images_pillow.py
Prints one JSON object; its numbers go to bench/README.md (workload IMG) and bench/workloads/images.ts.

- chain: 32 PIL images of 512×512 RGB (spec/fixtures/images/astronaut.png); per item, as BatchFlow's
  ImagesBatch actions do it: a random 224×224 crop (`image.crop`), `image.rotate(angle)` with an angle
  uniform in ±15° (Pillow's default NEAREST, BatchFlow's default), `ImageOps.mirror` with p = 0.5,
  `image.resize((128, 128))` (Pillow's default BICUBIC). Items/s = 32 / median time of the batch.
- files: decode and encode the same 32 images as PNG (compress_level 6) and JPEG (quality 75) in
  memory; MB/s of raw pixels (32 × 512 × 512 × 3 bytes; 1 MB = 10^6 bytes).
Medians of 9 runs after 2 warm-ups. With `--chain-only`, only the chain (the bench's IMG workload runs
it that way next to its own runs when BATCHFLOW_BENCH_PILLOW_PYTHON names this environment's python).
"""
import io, json, os, platform, random, statistics, sys, time
import numpy as np
import PIL
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTO = os.path.join(HERE, '..', '..', 'spec', 'fixtures', 'images', 'astronaut.png')
N, RUNS, WARMUPS = 32, 9, 2
source = Image.open(PHOTO).convert('RGB')
source.load()
images = [source.copy() for _ in range(N)]
raw_bytes = N * 512 * 512 * 3


def timed(body):
    times = []
    for run in range(WARMUPS + RUNS):
        start = time.perf_counter()
        body()
        if run >= WARMUPS:
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


rng = random.Random(7)


def chain():
    out = []
    for image in images:
        top, left = rng.randint(0, 512 - 224), rng.randint(0, 512 - 224)
        item = image.crop((left, top, left + 224, top + 224))
        item = item.rotate(rng.uniform(-15, 15))
        if rng.random() < 0.5:
            item = ImageOps.mirror(item)
        out.append(item.resize((128, 128)))
    assert out[0].size == (128, 128)


def encoded(fmt, **options):
    buffers = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        buffers.append(buffer.getvalue())
    return buffers


def encode(fmt, **options):
    return lambda: encoded(fmt, **options)


def decode(buffers):
    def body():
        for data in buffers:
            Image.open(io.BytesIO(data)).load()
    return body


chain_ms = timed(chain)
result = {
    'tool': 'bench/python/images_pillow.py',
    'python': platform.python_version(), 'Pillow': PIL.__version__, 'numpy': np.__version__,
    'items': N,
    'chain': {'msPerBatch': round(chain_ms, 2), 'itemsPerSecond': round(N / (chain_ms / 1000), 1)},
}
for fmt, options in () if '--chain-only' in sys.argv else (('PNG', {'compress_level': 6}), ('JPEG', {'quality': 75})):
    enc_ms = timed(encode(fmt, **options))
    dec_ms = timed(decode(encoded(fmt, **options)))
    result[fmt.lower()] = {
        'encodeMs': round(enc_ms, 1), 'encodeMBps': round(raw_bytes / 1e6 / (enc_ms / 1000), 1),
        'decodeMs': round(dec_ms, 1), 'decodeMBps': round(raw_bytes / 1e6 / (dec_ms / 1000), 1),
    }
print(json.dumps(result))
