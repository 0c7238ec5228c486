"""Writes the small HDF5 files of spec/fixtures/hostile with h5py (run from the repository root).

- float16.h5: a float16 dataset 'x' (6 values) and an int64 dataset 'y'.
- empty_columns.h5: a (3, 0) float64 dataset 'x' (h5py reads it as an empty (3, 0) array) and 'y' = [0, 1, 2].
- declares_800mb.h5: a contiguous float64 dataset 'x' of shape (3, 2**25) that was never written, so the
  file is about 1.4 KB while the dataset declares 805,306,368 bytes.
- declares_12gib.h5: the same with shape (3, 2**29): 12 GiB declared.
"""
import h5py
import numpy as np

OUT = 'spec/fixtures/hostile/'

with h5py.File(OUT + 'float16.h5', 'w') as f:
    f['x'] = np.arange(6, dtype=np.float16)
    f['y'] = np.arange(6, dtype=np.int64)
with h5py.File(OUT + 'empty_columns.h5', 'w') as f:
    f['x'] = np.zeros((3, 0))
    f['y'] = np.arange(3, dtype=np.int64)
with h5py.File(OUT + 'declares_800mb.h5', 'w') as f:
    f.create_dataset('x', shape=(3, 2**25), dtype='f8')
with h5py.File(OUT + 'declares_12gib.h5', 'w') as f:
    f.create_dataset('x', shape=(3, 2**29), dtype='f8')
