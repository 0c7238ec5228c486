"""Checks that files written by batchflow-ts load in pandas, pyarrow, h5py and python-blosc/blosc2.

Run by hand (not by jest), after write-samples.ts:
    npx tsx spec/io/python/write-samples.ts /tmp/bf-samples
    python spec/io/python/check_interop.py /tmp/bf-samples
Needs: numpy, pandas, pyarrow, h5py, PyTables (for pandas.read_hdf), blosc or blosc2.
Prints one line per check and exits non-zero on the first mismatch.
"""
import json, os, struct, sys, zlib
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/bf-samples'
exp = json.load(open(os.path.join(out, 'expected.json')))
passed = 0


def ok(cond, what):
    global passed
    if not cond:
        print('FAIL', what)
        sys.exit(1)
    passed += 1
    print('ok  ', what)


def img_columns(e):
    img = np.array(e['img'], dtype=np.float32).reshape([len(e['ids'])] + e['img_shape'][1:])
    return img.reshape(len(e['ids']), -1)


# ---- blosc item files (the reader from docs/formats.md) ---------------------------------------------
try:
    import blosc
    decompress = blosc.decompress
except ImportError:
    import blosc2
    decompress = blosc2.decompress

DTYPES = {'BOOL': '?', 'U8': '<u1', 'I8': '<i1', 'U16': '<u2', 'I16': '<i2', 'U32': '<u4', 'I32': '<i4',
          'F32': '<f4', 'F64': '<f8', 'I64': '<i8', 'U64': '<u8'}


def read_item(path):
    payload = decompress(open(path, 'rb').read())
    (n,) = struct.unpack('<Q', payload[:8])
    header = json.loads(payload[8:8 + n])
    data = payload[8 + n:]
    meta = header.pop('__metadata__')
    assert meta['format'] == 'batchflow-item' and meta['version'] == '1', meta
    assert format(zlib.crc32(data), '08x') == meta['crc32'], 'checksum'
    item = {}
    for name, e in header.items():
        begin, end = e['data_offsets']
        if e['dtype'] == 'JSON':
            item[name] = json.loads(data[begin:end])
        else:
            a = np.frombuffer(data[begin:end], dtype=DTYPES[e['dtype']]).reshape(e['shape'])
            item[name] = a[()] if e['shape'] == [] else a
    return item


import pandas as pd
import pyarrow.feather as pf
import h5py

for label, e in exp.items():
    ids = e['ids']
    n = len(ids)
    # ---- csv
    df = pd.read_csv(os.path.join(out, f'{label}.csv'), index_col=0)
    ok(list(df.index) == ids, f'{label}.csv: index = batch ids')
    ok(np.allclose(df['f32'].to_numpy(), np.float32(e['f32'])) and np.array_equal(df['f32'].to_numpy().astype(np.float32), np.float32(e['f32'])), f'{label}.csv: f32 values')
    ok(df['f64'].tolist() == e['f64'], f'{label}.csv: f64 exact')
    ok(df['i32'].dtype == np.int64 and df['i32'].tolist() == e['i32'], f'{label}.csv: i32 as int64')
    ok(df['i64'].dtype == np.int64 and [str(v) for v in df['i64']] == e['i64'], f'{label}.csv: i64 exact')
    ok(df['names'].tolist() == e['names'], f'{label}.csv: strings (quotes, commas, newlines)')
    ok(df['flags'].dtype == bool and df['flags'].tolist() == e['flags'], f'{label}.csv: booleans')
    ok(np.array_equal(df[[f'img{j}' for j in range(6)]].to_numpy().astype(np.float32), img_columns(e)), f'{label}.csv: img split into img0..img5')
    # ---- feather (pandas and pyarrow)
    for name in (f'{label}.feather', f'{label}_named.feather'):
        df = pd.read_feather(os.path.join(out, name))
        ok(list(df.index) == ids, f'{name}: pandas restores the batch ids as the index')
        ok(df['f32'].dtype == np.float32 and df['f32'].tolist() == e['f32'], f'{name}: float32 kept')
        ok(df['f64'].dtype == np.float64 and df['f64'].tolist() == e['f64'], f'{name}: float64 kept')
        ok(df['i32'].dtype == np.int32 and df['i32'].tolist() == e['i32'], f'{name}: int32 kept')
        ok(df['i64'].dtype == np.int64 and [str(v) for v in df['i64']] == e['i64'], f'{name}: int64 kept')
        ok(df['names'].tolist() == e['names'], f'{name}: strings')
        ok(df['flags'].dtype == bool and df['flags'].tolist() == e['flags'], f'{name}: bool kept')
        ok(np.array_equal(df[[f'img{j}' for j in range(6)]].to_numpy(), img_columns(e)), f'{name}: img columns (float32)')
        table = pf.read_table(os.path.join(out, name))
        meta = json.loads(table.schema.metadata[b'batchflow'])
        ok(meta['shapes'] == {'img': [2, 3]}, f'{name}: batchflow metadata records the img shape')
    ok(pd.read_feather(os.path.join(out, f'{label}_named.feather')).index.name == 'id', f'{label}_named.feather: index name')
    # ---- hdf5 (h5py)
    with h5py.File(os.path.join(out, f'{label}.h5'), 'r') as f:
        index = f['__index__'][:]
        ok([x.decode() if isinstance(x, bytes) else int(x) for x in index] == ids, f'{label}.h5: __index__ = batch ids')
        ok(f['f32'].dtype == np.float32 and f['f32'][:].tolist() == e['f32'], f'{label}.h5: f32 dataset')
        ok(f['i32'].dtype == np.int32 and f['i64'].dtype == np.int64 and [str(v) for v in f['i64'][:]] == e['i64'], f'{label}.h5: i32/i64 datasets')
        ok(list(f['names'].asstr()[:]) == e['names'], f'{label}.h5: vlen utf-8 strings')
        ok(f['flags'].attrs['batchflow_dtype'] in ('bool', b'bool') and f['flags'][:].astype(bool).tolist() == e['flags'], f'{label}.h5: bools as uint8 + attribute')
        ok(f['img'].shape == (n, 2, 3) and f['img'].dtype == np.float32 and np.array_equal(f['img'][:].reshape(n, -1), img_columns(e)), f'{label}.h5: img keeps its shape')
    # ---- hdf5, pandas layout (pandas.read_hdf, through PyTables)
    for name, key in ((f'{label}_pandas.h5', None), (f'{label}_pandas_key.h5', 'df')):
        df = pd.read_hdf(os.path.join(out, name), key) if key else pd.read_hdf(os.path.join(out, name))
        ok(list(df.index) == ids, f'{name}: pd.read_hdf gives the batch ids as the index')
        ok(df['f32'].dtype == np.float32 and df['f32'].tolist() == e['f32'], f'{name}: float32 kept')
        ok(df['f64'].dtype == np.float64 and df['f64'].tolist() == e['f64'], f'{name}: float64 kept')
        ok(df['i32'].dtype == np.int32 and df['i32'].tolist() == e['i32'], f'{name}: int32 kept')
        ok(df['i64'].dtype == np.int64 and [str(v) for v in df['i64']] == e['i64'], f'{name}: int64 exact')
        ok(df['flags'].dtype == np.uint8 and df['flags'].astype(bool).tolist() == e['flags'], f'{name}: bools as uint8 0/1')
        ok(np.array_equal(df[[f'img{j}' for j in range(6)]].to_numpy(), img_columns(e)), f'{name}: img columns (float32)')
        ok(list(df.columns) == ['f32', 'f64', 'i32', 'i64', 'flags'] + [f'img{j}' for j in range(6)], f'{name}: column order')
    with h5py.File(os.path.join(out, f'{label}_pandas_key.h5'), 'r') as f:
        ok(f['df'].attrs['pandas_type'] in ('frame', b'frame') and int(f['df'].attrs['nblocks']) == 5, f'{label}_pandas_key.h5: h5py sees the frame group')
        ok(f['df/block0_values'].compression == 'gzip', f'{label}_pandas_key.h5: gzip-compressed blocks')
    # ---- blosc
    for k, id_ in enumerate(ids):
        item = read_item(os.path.join(out, f'{label}_blosc', f'{id_}.blosc'))
        ok(item['f32'].dtype == np.float32 and float(item['f32']) == e['f32'][k], f'{label}_blosc/{id_}: f32 scalar')
        ok(str(int(item['i64'])) == e['i64'][k] and item['names'] == e['names'][k] and item['flags'] == e['flags'][k], f'{label}_blosc/{id_}: int64, string, bool')
        ok(item['img'].shape == (2, 3) and item['img'].dtype == np.float32 and np.array_equal(item['img'].reshape(-1), img_columns(e)[k]), f'{label}_blosc/{id_}: img item')
        ragged = read_item(os.path.join(out, f'{label}_ragged', f'{id_}.blosc'))
        ok(ragged['obj'] == e['obj'][k] and np.array_equal(ragged['arr'], np.array(e['arr'][k])), f'{label}_ragged/{id_}: object and ragged items')

print(f'{passed} passed, 0 failed')
