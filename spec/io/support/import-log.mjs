// --import this file to log resolved modules (see import-log-hooks.mjs).
import { register } from 'node:module';
register('./import-log-hooks.mjs', import.meta.url);
