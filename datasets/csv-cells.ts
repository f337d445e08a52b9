/** CSV text to validated cells with line numbers, via papaparse; shared by the CSV readers. */
import Papa from 'papaparse';
import { InputError } from '../algorithms/errors';

/**
 * How the first non-empty line is read: `detect` takes it as a header when any cell is not a
 * number; `metadata` always sets it aside without checking its width (scikit-learn's
 * "count,count,names" first line); `none` makes it data.
 */
export type HeaderMode = 'detect' | 'metadata' | 'none';

/** Rectangular CSV cells. */
export interface CsvCells {
  /** The first line's cells when it was taken as a header or metadata. */
  header?: string[];
  /** Data rows, every one with `columns` cells. */
  rows: string[][];
  /** 1-based line number of each data row (blank lines are skipped but counted). */
  lines: number[];
  /** Cells per data row. */
  columns: number;
}

/** Parses `text` read from `file`; a row of the wrong width throws naming its line. */
export function readCsvCells(text: string, file: string, headerMode: HeaderMode): CsvCells {
  // No dynamic typing: every cell is checked by toFiniteNumber so errors can name it. Line
  // numbers are row index + 1, true as long as no quoted cell spans lines (numbers never do).
  const parsed = Papa.parse<string[]>(text, { header: false, dynamicTyping: false, skipEmptyLines: false });
  const fatal = parsed.errors.find((e) => e.type !== 'Delimiter');
  if (fatal) {
    const where = fatal.row !== undefined ? `:${fatal.row + 1}` : '';
    throw new InputError(`${file}${where}: malformed CSV (${fatal.message})`);
  }
  let header: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  let columns = -1;
  let widthLine = 0;
  parsed.data.forEach((cells, index) => {
    const line = index + 1;
    if (cells.every((cell) => cell.trim() === '')) return;
    if (columns < 0 && header === undefined && headerMode !== 'none') {
      if (headerMode === 'metadata' || cells.some((cell) => !isFiniteNumber(cell))) {
        header = cells.map((cell) => cell.trim());
        if (headerMode === 'detect') [columns, widthLine] = [cells.length, line];
        return;
      }
    }
    if (columns < 0) [columns, widthLine] = [cells.length, line];
    if (cells.length !== columns) {
      throw new InputError(`${file}:${line}: ragged row with ${cells.length} fields, expected ${columns} (as on line ${widthLine})`);
    }
    rows.push(cells);
    lines.push(line);
  });
  if (rows.length === 0) throw new InputError(`${file}: no data rows`);
  return { header, rows, lines, columns };
}

/** True when `cell` is a finite number (not blank, not NaN or Infinity). */
export function isFiniteNumber(cell: string): boolean {
  return cell.trim() !== '' && Number.isFinite(Number(cell));
}

/** The number in a cell, or an InputError naming file, line and column. */
export function toFiniteNumber(cell: string, file: string, line: number, column: number, header?: string[]): number {
  if (!isFiniteNumber(cell)) {
    throw new InputError(`${file}:${line}: column ${describeColumn(column, header)}: '${cell}' is not a finite number`);
  }
  return Number(cell);
}

/** "3 ('alcohol')": a 1-based column number, with its header name when there is one. */
export function describeColumn(column: number, header?: string[]): string {
  const name = header?.[column];
  return name ? `${column + 1} ('${name}')` : `${column + 1}`;
}
