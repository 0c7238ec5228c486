/**
 * Child process of spec/io/lazy.spec.ts: uses the formats one after another and marks the import log
 * between them, so the parent can see when each io library was first imported.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Batch } from '../../../src/index.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/interop');
const mark = (name: string): void => appendFileSync(process.env.IMPORT_LOG!, `#mark ${name}\n`);
mark('index');
await new Batch([100]).load({ fmt: 'csv', src: path.join(fixtures, 'table.csv'), dst: 'a' });
mark('csv');
await new Batch([100]).load({ fmt: 'feather', src: path.join(fixtures, 'table_default.feather'), indexCol: 'id', dst: 'a' });
mark('feather');
await new Batch([100]).load({ fmt: 'hdf5', src: path.join(fixtures, 'frame_fixed.h5'), dst: 'a' });
mark('hdf5');
