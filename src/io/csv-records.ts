/**
 * CSV text ↔ records (arrays of field strings), the syntax layer of `fmt: 'csv'`.
 *
 * - Reading: text without a quote character is split at its line break and delimiter directly; other
 *   text goes through `csv-parse`. Both give the same records for such text (a byte-order mark dropped,
 *   empty lines skipped): the parser's per-character state machine costs about 15 µs per row of 16
 *   numbers, the split less than 1.
 * - Writing: a record whose fields need no quotes (no delimiter, quote or line break in them) is joined
 *   directly; others go through `csv-stringify`, which quotes them. The text is the one `csv-stringify`
 *   writes for all the records.
 * @module
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/**
 * The line break of `text` ('\r\n', '\n' or '\r': the first one in it) when no quote comes before it
 * (`quote`: the position of the first one, or -1), else null. The CSV parser finds it itself when not
 * told, but tries the three candidates at every character of the first line (a header of 50,000
 * columns: 150 ms); told, it reads the same records.
 */
function firstLineBreak(text: string, quote: number): string | null {
  const end = text.search(/[\r\n]/);
  if (end < 0 || (quote >= 0 && quote < end)) return null;
  return text[end] === '\r' && text[end + 1] === '\n' ? '\r\n' : text[end]!;
}

/** The records of `text`, which holds no quote character: its non-empty lines split at `delimiter`. */
function splitUnquoted(text: string, delimiter: string, lineBreak: string | null): string[][] {
  const lines = lineBreak === null ? [text] : text.split(lineBreak);
  const records: string[][] = [];
  for (const line of lines) if (line !== '') records.push(line.split(delimiter));
  return records;
}

/**
 * The records of CSV `text` with fields separated by `delimiter` (a non-empty string), as `csv-parse`
 * reads them with a leading byte-order mark dropped and empty lines skipped. Records may differ in
 * length (the caller checks them against the header).
 * @throws the parser's error for text it cannot read (an unclosed quote, …)
 */
export function csvRecords(text: string, delimiter: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const quote = body.indexOf('"');
  // a delimiter holding a line break: the parser's own rules
  const delimiterBreaksLines = /[\r\n]/.test(delimiter);
  const lineBreak = delimiterBreaksLines ? null : firstLineBreak(body, quote);
  if (quote < 0 && !delimiterBreaksLines) return splitUnquoted(body, delimiter, lineBreak);
  return parse(body, {
    delimiter,
    skip_empty_lines: true,
    relax_column_count: true,
    ...(lineBreak === null ? {} : { record_delimiter: lineBreak }),
  }) as string[][];
}

/** True when `field` is written as it is: no delimiter (one character), quote or line break in it. */
function isPlainField(field: string, delimiter: string): boolean {
  return !field.includes(delimiter) && !/["\r\n]/.test(field);
}

/** The CSV text of `records`, each followed by '\n', fields separated by `delimiter` (a non-empty string) and quoted where they must be. */
export function csvText(records: ReadonlyArray<readonly string[]>, delimiter: string): string {
  // a delimiter of several characters can also be made by a field's end and the delimiter after it: the writer decides
  if (delimiter.length !== 1) return stringify(records as string[][], { delimiter });
  const lines = new Array<string>(records.length);
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    lines[r] = record.every((field) => isPlainField(field, delimiter)) ? record.join(delimiter) : stringify([record], { delimiter }).slice(0, -1);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
