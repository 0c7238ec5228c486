/**
 * Python's format-spec mini-language (`'5.2f'`, `'>10'`, `'+,d'`, …) and `str.format` for one value.
 * @module
 */
import { str, typeName } from './value-text.js';

const specPattern = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

function group(digits: string, separator: string | undefined): string {
  if (!separator) return digits;
  return digits.replace(/\B(?=(\d{3})+(?!\d))/gu, separator);
}

function exponentForm(text: string): string {
  // JS: 1.5e+5 / 1.5e-7 → Python: 1.5e+05 / 1.5e-07
  return text.replace(/e([+-])(\d)$/u, 'e$10$2');
}

function generalForm(x: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const exponent = Number(x.toExponential(p - 1).split('e')[1]);
  const text = exponent >= -4 && exponent < p ? x.toFixed(p - 1 - exponent) : exponentForm(x.toExponential(p - 1));
  if (alternate) return text;
  const [mantissa, power] = text.split('e') as [string, string | undefined];
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/u, '').replace(/\.$/u, '') : mantissa;
  return power === undefined ? trimmed : `${trimmed}e${power}`;
}

/** Formats one value with a Python format spec (`'5.2f'`, `'>10'`, `'+,d'`, `'.1%'`, `'08.3e'`, …). */
export function formatValue(value: unknown, spec: string): string {
  const match = specPattern.exec(spec);
  if (!match) throw new RangeError(`invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signChar, alternate, zero, widthText, separator, precisionText, type] = match;
  const width = widthText ? Number(widthText) : 0;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let fill = fillChar ?? ' ';
  let align = alignChar;
  const isNumber = typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean';
  if (zero && !alignChar) {
    fill = '0';
    align = '=';
  }
  let body: string;
  let sign = '';
  // Python: with no type, ints format as 'd', floats with a precision as 'g', other floats as their repr ('r' here).
  let kind = type;
  if (kind === undefined && isNumber && typeof value !== 'boolean')
    kind = precision !== undefined ? 'g' : typeof value === 'number' && !Number.isInteger(value) ? 'r' : 'd';
  if (kind === undefined || kind === 's') {
    if (kind === 's' && typeof value !== 'string') throw new TypeError(`format code 's' needs a string, got ${typeName(value)}`);
    body = str(value);
    if (precision !== undefined) body = body.slice(0, precision);
    if (!isNumber) align ??= '<';
  } else {
    if (!isNumber) throw new TypeError(`format code '${kind}' needs a number, got ${typeName(value)}`);
    const x = Number(value);
    if (x < 0 || Object.is(x, -0)) sign = '-';
    else if (signChar === '+') sign = '+';
    else if (signChar === ' ') sign = ' ';
    const magnitude = Math.abs(x);
    switch (kind) {
      case 'd':
      case 'n':
        if (!Number.isInteger(x)) throw new TypeError(`format code 'd' needs an integer, got ${x}`);
        body = group(String(magnitude), separator);
        break;
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        if (!Number.isInteger(x)) throw new TypeError(`format code '${kind}' needs an integer, got ${x}`);
        const base = kind === 'b' ? 2 : kind === 'o' ? 8 : 16;
        body = magnitude.toString(base);
        if (kind === 'X') body = body.toUpperCase();
        if (alternate) body = `0${kind === 'X' ? 'X' : kind}${body}`;
        break;
      }
      case 'c':
        body = String.fromCodePoint(x);
        sign = '';
        break;
      case 'r':
        body = Number.isFinite(magnitude) ? String(magnitude) : Number.isNaN(magnitude) ? 'nan' : 'inf';
        break;
      case 'e':
      case 'E':
        body = Number.isFinite(magnitude) ? exponentForm(magnitude.toExponential(precision ?? 6)) : String(magnitude).toLowerCase().replace('infinity', 'inf');
        if (kind === 'E') body = body.toUpperCase();
        break;
      case '%':
        body = `${(magnitude * 100).toFixed(precision ?? 6)}%`;
        break;
      case 'g':
      case 'G':
        body = Number.isFinite(magnitude) ? generalForm(magnitude, precision ?? 6, Boolean(alternate)) : 'inf';
        if (kind === 'G') body = body.toUpperCase();
        break;
      default: // f, F
        body = Number.isFinite(magnitude) ? magnitude.toFixed(precision ?? 6) : Number.isNaN(magnitude) ? 'nan' : 'inf';
        if (kind === 'F') body = body.toUpperCase();
        break;
    }
    if (Number.isNaN(x)) {
      body = kind === 'E' || kind === 'F' || kind === 'G' ? 'NAN' : 'nan';
      sign = '';
    }
    if (separator && /^[\d]/u.test(body) && kind !== 'd' && kind !== 'n' && 'eEfFgG%r'.includes(kind)) {
      const [intPart, rest] = [body.replace(/^(\d+).*$/su, '$1'), body.replace(/^\d+/u, '')];
      body = group(intPart, separator) + rest;
    }
  }
  align ??= '>';
  const text = sign + body;
  const padding = Math.max(0, width - text.length);
  if (padding === 0) return text;
  const pad = (n: number): string => fill.repeat(n);
  switch (align) {
    case '<':
      return text + pad(padding);
    case '^':
      return pad(Math.floor(padding / 2)) + text + pad(Math.ceil(padding / 2));
    case '=':
      return sign + pad(padding) + body;
    default:
      return pad(padding) + text;
  }
}

/** Python's `template.format(value)` for one value: `{}`, `{0}`, `{:spec}`, `{0:spec}`, `{{` and `}}`. */
export function formatTemplate(template: string, value: unknown): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/gu, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const colon = field!.indexOf(':');
    const name = colon < 0 ? field! : field!.slice(0, colon);
    if (name !== '' && name !== '0') throw new RangeError(`format: only one positional value is given, field '{${field}}' is not supported`);
    return colon < 0 ? str(value) : formatValue(value, field!.slice(colon + 1));
  });
}
