import { AppError } from '../../../shared/errors';

/**
 * A hand-written CSV reader: one pass over the text with charCodeAt, materialising only the
 * header and the preview rows; every later record is validated (quotes closed, field count equal
 * to the header's) by counting its fields.
 *
 * It replaced a papaparse 5.7.1 pass (`skipEmptyLines: 'greedy'`, `delimitersToGuess`) and
 * reproduces its accepted dialect, its delimiter and line-break guesses, its error names and the
 * line numbers the former code derived from them, so that imports and their refusals did not
 * change. Where papaparse departs from RFC 4180 it is followed, since files that read before must
 * read the same now:
 * - a quote only opens a quoted field at the very start of a field; elsewhere it is an ordinary
 *   character (`a"b` is the value `a"b`);
 * - whitespace between a closing quote and the delimiter or line break is dropped;
 * - a quote inside a quoted field that is neither doubled nor closing is kept as a character and
 *   reported as InvalidQuotes;
 * - a record whose values are all blank (`String.prototype.trim` whitespace) is skipped, even one
 *   holding only delimiters or an unclosed quote;
 * - one line break, guessed from the file, ends records: in a CRLF file a lone CR or LF is data.
 */

/** What ends a record; one per file, guessed as papaparse did. */
export type Linebreak = '\n' | '\r' | '\r\n';

/** The header, the first `maxRows` data rows and the count of all data rows. */
export type CsvTable = { columns: string[]; previewRows: string[][]; rowCount: number };

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Delimiters tried, in the order papaparse was given them (the order breaks ties). */
const DELIMITERS = [',', ';', '\t', '|'] as const;

/** papaparse guesses the delimiter from this many records, blank ones included. */
const GUESS_RECORDS = 10;

/** papaparse guesses the line break from this many UTF-16 code units. */
const GUESS_LINEBREAK_UNITS = 1024 * 1024;

type QuoteProblem = { reason: 'MissingQuotes' | 'InvalidQuotes'; line: number };

/** One record as the scanner hands it over; the same object is reused for every record. */
type ScanRecord = {
  fieldCount: number;
  /** Every value is empty or whitespace: papaparse's 'greedy' skipEmptyLines drops it. */
  isBlank: boolean;
  /** The physical line the record starts on, as the former code computed it (see `scanRecords`). */
  line: number;
  problem: QuoteProblem | undefined;
  /** The values, only for the first `collect` non-blank records. */
  values: string[] | undefined;
};

/**
 * Reads a whole CSV text into its header, preview rows and row count.
 *
 * @throws AppError `malformed_csv` (details `line`, `reason` and for field counts `expected`,
 * `found`) or `empty_file` when there is no header or no data row.
 */
export function readCsv(input: string, maxRows: number): CsvTable {
  // papaparse dropped one byte order mark; the decoder has removed the file's own by now, so
  // this only matters for a file saved with two.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const linebreak = guessLinebreak(text);
  const delimiter = guessDelimiter(text, linebreak);

  let columns: string[] | undefined;
  const previewRows: string[][] = [];
  let rowCount = 0;
  let failure: AppError | undefined;

  scanRecords(text, delimiter, linebreak, maxRows + 1, (record) => {
    if (record.isBlank) return true;
    const { line, problem } = record;
    if (problem) {
      const what =
        problem.reason === 'MissingQuotes'
          ? `Line ${problem.line} opens a quoted field that is never closed. Add the missing " or remove the stray one.`
          : `Line ${problem.line} has a quote in the wrong place: inside a quoted field a " must be written twice ("").`;
      failure = new AppError('malformed_csv', what, { line: problem.line, reason: problem.reason });
      return false;
    }
    if (columns === undefined) {
      // The first non-blank record is always collected (`collect` ≥ 1).
      columns = record.values ?? [];
      failure = headerProblem(columns, line);
      return failure === undefined;
    }
    if (record.fieldCount !== columns.length) {
      const found = record.fieldCount;
      failure = new AppError('malformed_csv', `Line ${line} has ${found} fields but the header row has ${columns.length}.`, {
        line,
        reason: found < columns.length ? 'TooFewFields' : 'TooManyFields',
        expected: columns.length,
        found,
      });
      return false;
    }
    if (record.values !== undefined && previewRows.length < maxRows) previewRows.push(record.values);
    rowCount++;
    return true;
  });

  if (failure) throw failure;
  if (columns === undefined) throw new AppError('empty_file', 'The CSV file has no rows, only blank lines.');
  if (rowCount === 0) throw new AppError('empty_file', 'The CSV file has a header row but no data rows.');
  return { columns, previewRows, rowCount };
}

/**
 * The line break papaparse would pick: looking at the first MiB with quoted spans removed
 * (quotes paired in order, as its `"[^]*?"` replacement does), LF when there is no CR or an LF
 * comes first, else CRLF when at least half the CR-separated pieces start with LF, else CR.
 */
export function guessLinebreak(text: string): Linebreak {
  const end = Math.min(text.length, GUESS_LINEBREAK_UNITS);
  const anyCr = text.indexOf('\r');
  if (anyCr < 0 || anyCr >= end) return '\n';
  let crs = 0;
  let firstCr = -1;
  let crlfs = 0;
  let firstLf = -1;
  let isAfterCr = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const close = text.indexOf('"', i + 1);
      // A removed span joins what surrounds it, so `\r"…"\n` counts as CRLF: isAfterCr stays.
      if (close >= 0 && close < end) i = close;
      else isAfterCr = false;
    } else if (c === CR) {
      if (crs === 0) firstCr = i;
      crs++;
      isAfterCr = true;
    } else {
      if (c === LF) {
        if (isAfterCr) crlfs++;
        if (firstLf < 0) firstLf = i;
      }
      isAfterCr = false;
    }
  }
  if (crs === 0 || (firstLf >= 0 && firstLf < firstCr)) return '\n';
  return crlfs >= (crs + 1) / 2 ? '\r\n' : '\r';
}

/**
 * The delimiter papaparse would pick among `, ; \t |`: parsing the first ten records with each,
 * the one whose non-blank records vary least in field count, ties going to more fields; it
 * must average about two fields or more, and `,` is the fallback.
 */
export function guessDelimiter(text: string, linebreak: Linebreak): string {
  let best: string = ',';
  let bestDelta: number | undefined;
  let maxFieldCount = 0;
  for (const delimiter of DELIMITERS) {
    let records = 0;
    let blanks = 0;
    let fields = 0;
    let delta = 0;
    let previous: number | undefined;
    scanRecords(text, delimiter, linebreak, 0, (record) => {
      records++;
      if (record.isBlank) {
        blanks++;
      } else {
        fields += record.fieldCount;
        if (previous !== undefined) delta += Math.abs(record.fieldCount - previous);
        previous = record.fieldCount;
      }
      return records < GUESS_RECORDS;
    });
    // All records blank makes this 0 / 0 = NaN, which never wins, as in papaparse.
    const average = fields / (records - blanks);
    if (average > 1.99 && (bestDelta === undefined || delta < bestDelta || (delta === bestDelta && average > maxFieldCount))) {
      best = delimiter;
      bestDelta = delta;
      maxFieldCount = average;
    }
  }
  return best;
}

/** `String.prototype.trim`'s whitespace: ECMA-262 WhiteSpace and LineTerminator. */
export function isTrimSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Calls `onRecord` for each record until it returns false or the text ends. As in papaparse the
 * text always yields at least one record, and a final line break is followed by an empty one.
 *
 * Lines count the "mark" of the line break (LF, or CR for CR files) and are tracked as the scan
 * goes. A record's line is the former code's: its end line less the marks inside its values,
 * which is the marks before it plus any swallowed between a closing quote and the delimiter
 * (a lone LF in a CRLF file). A quote problem's line is that of the field's opening quote.
 */
function scanRecords(
  text: string,
  delimiterChar: string,
  linebreak: Linebreak,
  collect: number,
  onRecord: (record: ScanRecord) => boolean,
): void {
  const length = text.length;
  const delimiter = delimiterChar.charCodeAt(0);
  const breakFirst = linebreak.charCodeAt(0);
  const isCrLf = linebreak === '\r\n';
  const breakLength = linebreak.length;
  const mark = linebreak === '\r' ? CR : LF;
  const record: ScanRecord = { fieldCount: 0, isBlank: true, line: 1, problem: undefined, values: undefined };
  let collected = 0;
  let marks = 0;
  let i = 0;

  for (;;) {
    const marksBefore = marks;
    let swallowed = 0;
    let fieldCount = 0;
    let hasContent = false;
    let problem: QuoteProblem | undefined;
    const values: string[] | undefined = collected < collect ? [] : undefined;
    let isAtEnd = false;

    fields: for (;;) {
      fieldCount++;
      if (i < length && text.charCodeAt(i) === QUOTE) {
        const start = i + 1;
        const line = marks + 1;
        let hasQuote = false;
        let j = start;
        for (;;) {
          let q = -1;
          for (; j < length; j++) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) {
              q = j;
              break;
            }
            if (c === mark) marks++;
            if (!hasContent && !isTrimSpace(c)) hasContent = true;
          }
          if (q < 0) {
            // papaparse keeps the rest of the text, quotes undoubled, as the last value.
            problem ??= { reason: 'MissingQuotes', line };
            values?.push(text.slice(start));
            i = length;
            isAtEnd = true;
            break fields;
          }
          if (q === length - 1) {
            values?.push(unquote(text, start, q, hasQuote));
            i = length;
            isAtEnd = true;
            break fields;
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            hasQuote = true;
            hasContent = true;
            j = q + 2;
            continue;
          }
          let k = q + 1;
          let runMarks = 0;
          for (; k < length; k++) {
            const c = text.charCodeAt(k);
            if (c === delimiter || (c === breakFirst && (!isCrLf || text.charCodeAt(k + 1) === LF)) || !isTrimSpace(c)) break;
            if (c === mark) runMarks++;
          }
          const c = k < length ? text.charCodeAt(k) : -1;
          if (c === delimiter) {
            values?.push(unquote(text, start, q, hasQuote));
            marks += runMarks;
            swallowed += runMarks;
            i = k + 1;
            continue fields;
          }
          if (c === breakFirst && (!isCrLf || text.charCodeAt(k + 1) === LF)) {
            values?.push(unquote(text, start, q, hasQuote));
            marks += runMarks + 1;
            swallowed += runMarks;
            i = k + breakLength;
            break fields;
          }
          // Not a closing quote after all: it stays in the value and the search goes on.
          problem ??= { reason: 'InvalidQuotes', line };
          hasQuote = true;
          hasContent = true;
          j = q + 1;
        }
      }

      const start = i;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c === delimiter) {
          values?.push(text.slice(start, i));
          i++;
          continue fields;
        }
        if (c <= CR) {
          if (c === breakFirst && (!isCrLf || text.charCodeAt(i + 1) === LF)) {
            values?.push(text.slice(start, i));
            marks++;
            i += breakLength;
            break fields;
          }
          if (c === mark) marks++;
        }
        if (!hasContent && !isTrimSpace(c)) hasContent = true;
      }
      values?.push(text.slice(start, length));
      isAtEnd = true;
      break;
    }

    record.fieldCount = fieldCount;
    record.isBlank = !hasContent;
    record.line = marksBefore + swallowed + 1;
    record.problem = problem;
    record.values = values;
    if (values !== undefined && hasContent) collected++;
    if (!onRecord(record) || isAtEnd) return;
  }
}

/** A quoted field's value: text[start, end) with each `""` read as one `"`. */
function unquote(text: string, start: number, end: number, hasQuote: boolean): string {
  const raw = text.slice(start, end);
  return hasQuote ? raw.replaceAll('""', '"') : raw;
}

function headerProblem(header: string[], line: number): AppError | undefined {
  const seen = new Set<string>();
  for (const [i, name] of header.entries()) {
    if (name.trim() === '') {
      return new AppError(
        'malformed_csv',
        `Column ${i + 1} of the header row (line ${line}) has no name. Name every column, or remove a trailing delimiter.`,
        {
          line,
          reason: 'empty_header',
          column: i + 1,
        },
      );
    }
    if (seen.has(name)) {
      return new AppError(
        'malformed_csv',
        `The header row (line ${line}) names the column "${name}" twice. Give every column its own name.`,
        {
          line,
          reason: 'duplicate_header',
          column: i + 1,
        },
      );
    }
    seen.add(name);
  }
  return undefined;
}
