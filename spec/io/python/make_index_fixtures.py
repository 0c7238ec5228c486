"""Writes the index and compression fixtures of spec/io (run by hand; jest only reads the files):
    python spec/io/python/make_index_fixtures.py
Frames whose index is not a plain column (pandas' RangeIndex, a MultiIndex) in Feather, HDF5 fixed
format and CSV, and a zstd-compressed Feather file. Needs numpy, pandas, pyarrow and PyTables.
The values pandas reads back are written to index_expected.json beside the files."""
import json, os, sys
import numpy as np, pandas as pd, pyarrow as pa

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'interop')
p = lambda name: os.path.join(out, name)


def frame(index):
    n = len(index)
    return pd.DataFrame({'a': np.arange(n) * 1.5 + 0.5, 's': [f'row-{k}' for k in range(n)]}, index=index)


rng = frame(pd.RangeIndex(10, 40, 10))                             # ids 10, 20, 30 (pandas stores no index column)
rng.to_feather(p('range.feather'))                                  # pandas' default: LZ4
desc = frame(pd.RangeIndex(30, 0, -10, name='id'))                  # ids 30, 20, 10, named
desc.to_feather(p('range_desc.feather'), compression='uncompressed')
multi = frame(pd.MultiIndex.from_arrays([[0, 0, 1], ['x', 'y', 'x']], names=['k1', 'k2']))
multi.to_feather(p('multi.feather'))
rng.to_hdf(p('frame_range.h5'), key='df', format='fixed')
multi.to_hdf(p('frame_multi.h5'), key='df', format='fixed')
multi.to_csv(p('multi.csv'))                                        # two index columns, k1 has duplicates
table = pd.read_feather(p('table_uncompressed.feather'))
table.to_feather(p('table_zstd.feather'), compression='zstd')

exp = {
    'range': {'index': rng.index.tolist(), 'a': rng['a'].tolist(), 's': rng['s'].tolist()},
    'range_desc': {'index': desc.index.tolist(), 'a': desc['a'].tolist(), 's': desc['s'].tolist()},
    'multi': {'index': [list(t) for t in multi.index.tolist()], 'a': multi['a'].tolist(), 's': multi['s'].tolist()},
}
assert pd.read_feather(p('range.feather')).index.tolist() == [10, 20, 30]
assert pd.read_feather(p('table_zstd.feather')).equals(table)
json.dump(exp, open(p('index_expected.json'), 'w'), indent=1)
print('ok', 'pandas', pd.__version__, 'pyarrow', pa.__version__, 'python', sys.version.split()[0])
