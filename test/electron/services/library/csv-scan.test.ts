import fc from 'fast-check';
import Papa from 'papaparse';
import type { Parser, ParseStepResult } from 'papaparse';
import { describe, expect, it } from 'vitest';
import { guessDelimiter, guessLinebreak, isTrimSpace, readCsv, type CsvTable } from '../../../../electron/services/library/csv-scan';
import { extractContent } from '../../../../electron/services/library/extract';
import { AppError } from '../../../../shared/errors';

// --- the papaparse reader csv-scan replaced, kept verbatim as the reference -----------------------

function lineAt(text: string, offset: number, linebreak = '\n'): number {
  const mark = linebreak === '\r' ? '\r' : '\n';
  let line = 1;
  for (let i = text.indexOf(mark); i >= 0 && i < offset; i = text.indexOf(mark, i + 1)) line++;
  return line;
}

function rowLine(text: string, row: string[], meta: { cursor: number; linebreak: string }): number {
  let end = meta.cursor;
  if (meta.linebreak && text.startsWith(meta.linebreak, end - meta.linebreak.length)) end -= meta.linebreak.length;
  const mark = meta.linebreak === '\r' ? '\r' : '\n';
  let inner = 0;
  for (const field of row) {
    for (let i = field.indexOf(mark); i >= 0; i = field.indexOf(mark, i + 1)) inner++;
  }
  return lineAt(text, end, meta.linebreak) - inner;
}

function headerProblem(header: string[], line: number): AppError | undefined {
  const seen = new Set<string>();
  for (const [i, name] of header.entries()) {
    if (name.trim() === '') {
      return new AppError(
        'malformed_csv',
        `Column ${i + 1} of the header row (line ${line}) has no name. Name every column, or remove a trailing delimiter.`,
        { line, reason: 'empty_header', column: i + 1 },
      );
    }
    if (seen.has(name)) {
      return new AppError(
        'malformed_csv',
        `The header row (line ${line}) names the column "${name}" twice. Give every column its own name.`,
        { line, reason: 'duplicate_header', column: i + 1 },
      );
    }
    seen.add(name);
  }
  return undefined;
}

function readCsvWithPapaparse(text: string, maxRows: number): CsvTable {
  let columns: string[] | undefined;
  const previewRows: string[][] = [];
  let rowCount = 0;
  let failure: AppError | undefined;

  const step = (result: ParseStepResult<string[]>, parser: Parser): void => {
    const row = result.data;
    const problem = result.errors.find((e) => e.code !== 'UndetectableDelimiter');
    if (problem) {
      const line = problem.index === undefined ? rowLine(text, row, result.meta) : lineAt(text, problem.index, result.meta.linebreak);
      const what =
        problem.code === 'MissingQuotes'
          ? `Line ${line} opens a quoted field that is never closed. Add the missing " or remove the stray one.`
          : problem.code === 'InvalidQuotes'
            ? `Line ${line} has a quote in the wrong place: inside a quoted field a " must be written twice ("").`
            : `Line ${line} cannot be read: ${problem.message}.`;
      failure = new AppError('malformed_csv', what, { line, reason: problem.code });
      parser.abort();
      return;
    }
    if (columns === undefined) {
      failure = headerProblem(row, rowLine(text, row, result.meta));
      columns = row;
      if (failure) parser.abort();
      return;
    }
    if (row.length !== columns.length) {
      const line = rowLine(text, row, result.meta);
      failure = new AppError('malformed_csv', `Line ${line} has ${row.length} fields but the header row has ${columns.length}.`, {
        line,
        reason: row.length < columns.length ? 'TooFewFields' : 'TooManyFields',
        expected: columns.length,
        found: row.length,
      });
      parser.abort();
      return;
    }
    if (previewRows.length < maxRows) previewRows.push(row);
    rowCount++;
  };

  Papa.parse<string[]>(text, { header: false, skipEmptyLines: 'greedy', delimitersToGuess: [',', ';', '\t', '|'], step });
  if (failure) throw failure;
  if (columns === undefined) throw new AppError('empty_file', 'The CSV file has no rows, only blank lines.');
  if (rowCount === 0) throw new AppError('empty_file', 'The CSV file has a header row but no data rows.');
  return { columns, previewRows, rowCount };
}

// --- comparison ---------------------------------------------------------------------------------

type Outcome = { table: CsvTable } | { code: string; message: string; details: unknown };

function outcome(read: (text: string, maxRows: number) => CsvTable, text: string, maxRows: number): Outcome {
  try {
    return { table: read(text, maxRows) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

function expectSameAsPapaparse(text: string, maxRows = 3): void {
  expect(outcome(readCsv, text, maxRows)).toEqual(outcome(readCsvWithPapaparse, text, maxRows));
}

function failureOf(text: string): AppError {
  try {
    readCsv(text, 10);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the CSV to be refused');
}

// --- generators ---------------------------------------------------------------------------------

const DELIMITERS = [',', ';', '\t', '|'] as const;
const LINEBREAKS = ['\n', '\r\n', '\r'] as const;

/** Characters that matter to a CSV reader, and some that only must survive it. */
const tricky = fc.constantFrom(',', ';', '\t', '|', '"', '\r', '\n', ' ', '\u00a0', '\u2028', 'é', '東', '😀', 'a', 'Z', '0');
const cellText = fc.oneof(
  fc.string({ unit: tricky, maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ maxLength: 8 }),
);

/** A field as a careful writer would put it: quoted (quotes doubled) when it needs to be or at random. */
function encode(value: string, delimiter: string, isQuoted: boolean): string {
  const needsQuotes = value.includes(delimiter) || /["\r\n]/.test(value) || value.trim() !== value;
  return needsQuotes || isQuoted ? `"${value.replaceAll('"', '""')}"` : value;
}

const wellFormedCsv = fc
  .record({
    delimiter: fc.constantFrom(...DELIMITERS),
    linebreak: fc.constantFrom(...LINEBREAKS),
    width: fc.integer({ min: 1, max: 5 }),
    height: fc.integer({ min: 0, max: 12 }),
    hasFinalBreak: fc.boolean(),
  })
  .chain(({ delimiter, linebreak, width, height, hasFinalBreak }) =>
    fc
      .record({
        header: fc.uniqueArray(
          cellText.filter((name) => name.trim() !== ''),
          { minLength: width, maxLength: width },
        ),
        rows: fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { minLength: height, maxLength: height }),
        quoting: fc.array(fc.boolean(), { minLength: (height + 1) * width, maxLength: (height + 1) * width }),
        blankAfter: fc.array(fc.constantFrom('', ' ', '\t '), { maxLength: height + 1 }),
      })
      .map(({ header, rows, quoting, blankAfter }) => {
        let q = 0;
        const lines: string[] = [];
        for (const [r, row] of [header, ...rows].entries()) {
          lines.push(row.map((value) => encode(value, delimiter, quoting[q++] ?? false)).join(delimiter));
          const blank = blankAfter[r];
          if (blank !== undefined) lines.push(blank);
        }
        return lines.join(linebreak) + (hasFinalBreak ? linebreak : '');
      }),
  );

/** Anything made of the characters CSV cares about: malformed more often than not. */
const csvNoise = fc.string({
  unit: fc.constantFrom('a', 'b', ',', ';', '\t', '|', '"', '""', '\r', '\n', '\r\n', ' ', '\u00a0'),
  maxLength: 40,
});

// --- tests --------------------------------------------------------------------------------------

describe('readCsv against papaparse', () => {
  it('reads well-formed CSV exactly as papaparse did: rows, row count and errors', () => {
    fc.assert(
      fc.property(wellFormedCsv, fc.integer({ min: 0, max: 4 }), (text, maxRows) => {
        expectSameAsPapaparse(text, maxRows);
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses malformed CSV exactly as papaparse did: same code, line and reason', () => {
    fc.assert(
      fc.property(csvNoise, (text) => {
        expectSameAsPapaparse(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a written table back: what the writer put in, the reader gets out', () => {
    // Guessing cannot tell a one-column file's delimiter, and papaparse skipped a record whose
    // values are all blank, so the table has two columns and no blank-only row.
    const cell = cellText.filter((value) => value.trim() !== '');
    fc.assert(
      fc.property(
        fc.constantFrom(...DELIMITERS),
        fc.constantFrom(...LINEBREAKS),
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }),
        (delimiter, linebreak, rows) => {
          const text = [['id', 'value'], ...rows].map((row) => row.map((v) => encode(v, delimiter, true)).join(delimiter)).join(linebreak);
          expect(readCsv(text, 100)).toEqual({ columns: ['id', 'value'], previewRows: rows, rowCount: rows.length });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('readCsv on edge cases', () => {
  it('keeps a quote in the middle of an unquoted field as a character, as papaparse did', () => {
    // RFC 4180 forbids it, but spreadsheets write such files (5'11", 3" pipe) and they imported before.
    expect(readCsv('a,b\n1,5\'11"\n2,x"y"z\n', 10).previewRows).toEqual([
      ['1', '5\'11"'],
      ['2', 'x"y"z'],
    ]);
    expectSameAsPapaparse('a,b\n1,5\'11"\n2,x"y"z\n');
  });

  it('refuses a quote after the closing quote with the line of the field', () => {
    expect(failureOf('a,b\n1,2\n3,"4"x\n').details).toEqual({ line: 3, reason: 'InvalidQuotes' });
    expect(failureOf('a,b\n"1\n2"x,"3"\n').details).toEqual({ line: 2, reason: 'InvalidQuotes' });
  });

  it('drops whitespace between a closing quote and the delimiter', () => {
    expect(readCsv('a,b\n"1" ,"2"\t\n', 10).previewRows).toEqual([['1', '2']]);
  });

  it('reads a trailing delimiter as one more, empty field', () => {
    expect(readCsv('a,b,c\n1,2,\n', 10).previewRows).toEqual([['1', '2', '']]);
    expect(failureOf('a,b\n1,2,\n').details).toEqual({ line: 2, reason: 'TooManyFields', expected: 2, found: 3 });
    expect(failureOf('a,b,\n1,2,\n').details).toEqual({ line: 1, reason: 'empty_header', column: 3 });
  });

  it('reads a final line without a line break, quoted or not', () => {
    expect(readCsv('a,b\n1,2', 10)).toEqual({ columns: ['a', 'b'], previewRows: [['1', '2']], rowCount: 1 });
    expect(readCsv('a,b\n1,"2\n3"', 10).previewRows).toEqual([['1', '2\n3']]);
    expect(readCsv('a,b\n1,""""', 10).previewRows).toEqual([['1', '"']]);
  });

  it('reads a file with CR line endings and counts its lines', () => {
    expect(guessLinebreak('a,b\r1,2\r')).toBe('\r');
    expect(readCsv('a,b\r1,"x\ry"\r\r3,4', 10)).toEqual({
      columns: ['a', 'b'],
      previewRows: [
        ['1', 'x\ry'],
        ['3', '4'],
      ],
      rowCount: 2,
    });
    expect(failureOf('a,b\r1,"x\ry"\r\r3').details).toMatchObject({ line: 5, reason: 'TooFewFields' });
  });

  it('keeps a lone LF or CR inside a CRLF file as data, as papaparse did', () => {
    expect(guessLinebreak('a,b\r\n1,2\r\n3,4\n5\r\n')).toBe('\r\n');
    expect(readCsv('a,b\r\n1,2\r\n3,4\n5\r\n', 10).previewRows).toEqual([
      ['1', '2'],
      ['3', '4\n5'],
    ]);
  });

  it('guesses LF when it comes first or there is no CR outside quotes', () => {
    expect(guessLinebreak('a\nb\r\nc\r\n')).toBe('\n');
    expect(guessLinebreak('"a\r\nb"\nc\n')).toBe('\n');
    expect(guessLinebreak('"a\r\n"\r\nb\r\n')).toBe('\r\n');
  });

  it('guesses the line break from the first MiB only, as papaparse did', () => {
    const mib = 1024 * 1024;
    expect(guessLinebreak(`a,b${' '.repeat(mib)}\r\n1,2\r\n`)).toBe('\n');
    expectSameAsPapaparse(`a,b${' '.repeat(mib)}\r\n1,2\r\n`);
    expectSameAsPapaparse(`a,b\r"${' '.repeat(mib)}"\r\n1,2\r\n`);
    expectSameAsPapaparse(`a,b\r\n"x${' '.repeat(mib - 8)}\r\n\n"\r\n1,2\r\n`);
  });

  it('guesses the delimiter as papaparse did', () => {
    expect(guessDelimiter('a;b\n1;2\n', '\n')).toBe(';');
    expect(guessDelimiter('a\tb|c|d\n1\t2|3|4\n', '\n')).toBe('|');
    expect(guessDelimiter('name\nAlice\n', '\n')).toBe(',');
    expect(guessDelimiter('"a,b";c\n"1,2";3\n', '\n')).toBe(';');
  });

  it('skips lines of whitespace or only delimiters, and reports the lines after them', () => {
    expect(readCsv('a,b\n \n,\n\t,  \n1,2\n', 10).previewRows).toEqual([['1', '2']]);
    expect(failureOf('a,b\n\n   \n1\n').details).toMatchObject({ line: 4, reason: 'TooFewFields' });
  });

  it('refuses an unclosed quote with the line it opens on', () => {
    expect(failureOf('a,b\n1,"ok\nstill"\n2,"never\n3,4\n').details).toEqual({ line: 4, reason: 'MissingQuotes' });
  });

  it('drops a byte order mark the decoder left (a file saved with two)', async () => {
    expect(readCsv('\ufeffa,b\n1,2\n', 10).columns).toEqual(['a', 'b']);
    const bytes = new TextEncoder().encode('\ufeff\ufeffa,b\n1,2\n');
    expect(await extractContent(bytes, 'csv')).toMatchObject({ columns: ['a', 'b'], rowCount: 1 });
  });

  it('counts every row past the preview without keeping it', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"v ""${i}"""`);
    const table = readCsv(`n,v\n${rows.join('\n')}`, 2);
    expect(table).toEqual({
      columns: ['n', 'v'],
      previewRows: [
        ['0', 'v "0"'],
        ['1', 'v "1"'],
      ],
      rowCount: 5000,
    });
  });

  it('treats exactly the characters String.prototype.trim removes as blank', () => {
    const disagreeing: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      if (isTrimSpace(c) !== (String.fromCharCode(c).trim() === '')) disagreeing.push(`U+${c.toString(16)}`);
    }
    expect(disagreeing).toEqual([]);
  });
});
