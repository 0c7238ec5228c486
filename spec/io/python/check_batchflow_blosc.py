"""Checks that Python BatchFlow's loader reads the files batchflow-ts writes with layout: 'batchflow'.
BatchFlow's Batch._load_blosc does `dill.loads(blosc.decompress(data))` per item file; blosc.decompress is
done here with numcodecs' Blosc codec (the same c-blosc 1 frames as python-blosc 1.x).
Run by hand (needs numpy, dill, numcodecs):
    npx tsx spec/io/python/write-batchflow-blosc.ts /tmp/bf-pickles
    python spec/io/python/check_batchflow_blosc.py /tmp/bf-pickles
"""
import json, math, os, sys
import warnings
import numpy as np
import dill
from numcodecs import Blosc

warnings.simplefilter('error')  # a DeprecationWarning while loading (e.g. numpy.core) fails the check
folder = sys.argv[1]
with open(os.path.join(folder, 'expected.json'), encoding='utf-8') as f:
    expected = json.load(f)
passed = failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print('FAIL', what)


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


for pos, ix in enumerate(expected['ids']):
    with open(os.path.join(folder, str(ix)), 'rb') as f:
        item = dill.loads(bytes(Blosc().decode(f.read())))  # what Batch._load_blosc does
    check(isinstance(item, dict), f'item {ix} is a dict')
    img = item['images']
    e = expected['images']
    check(isinstance(img, np.ndarray) and img.dtype == np.dtype(e['dtype']) and list(img.shape) == e['shape'], f'item {ix} images type/shape {type(img)} {getattr(img, "dtype", None)}')
    check(img.flags.writeable and img.flags.c_contiguous, f'item {ix} images writeable, C order')
    check(np.array_equal(img.ravel(), np.array(e['items'][pos], dtype=e['dtype'])), f'item {ix} images values')
    for name, values in expected['scalars'].items():
        v, want = item[name], values[pos]
        check(isinstance(v, np.generic) and v.dtype == np.dtype(want['dtype']), f'item {ix} {name}: numpy {want["dtype"]} scalar, got {type(v)}')
        wanted = int(want['value']) if want['dtype'] == 'int64' else want['value']
        check(v == np.array(wanted, dtype=want['dtype'])[()], f'item {ix} {name} == {wanted}: {v!r}')
    for name, values in expected['plain'].items():
        check(same(item[name], values[pos]), f'item {ix} {name} == {values[pos]!r}: {item[name]!r}')
    r, want = item['ragged'], expected['ragged'][pos]
    check(isinstance(r, np.ndarray) and r.dtype == np.dtype(want['dtype']) and list(r.shape) == want['shape'] and r.ravel().tolist() == want['values'], f'item {ix} ragged {r!r}')

print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
