/**
 * `csv:PATH`: a numeric CSV file, one sample per line, parsed with papaparse. The first
 * non-empty line is a header when any of its cells is not a number; otherwise every line is
 * data. The label column is `labelColumn` (a header name, or a 0-based index; -1 is the last)
 * and defaults to the last column; labels must be integers and are mapped, ascending, to class
 * indices 0..C-1. All other columns are features. Blank lines are skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../algorithms/errors';
import { describeColumn, readCsvCells, toFiniteNumber } from '../csv-cells';
import { encodeIntegerLabels } from '../labels';
import { type SourceData } from '../source';

/** Reads a user CSV file as a pool to split. */
export function loadCsv(spec: string, file: string, labelColumn?: string): SourceData {
  if (file === '') throw new InputError(`${spec}: no file given (use csv:PATH)`);
  const fullPath = path.resolve(file);
  if (!fs.existsSync(fullPath) || !fs.statSync(fullPath).isFile()) throw new InputError(`${spec}: file not found: ${fullPath}`);
  const cells = readCsvCells(fs.readFileSync(fullPath, 'utf8'), file, 'detect');
  if (cells.columns < 2) throw new InputError(`${file}: needs at least 2 columns (features and a label), found ${cells.columns}`);
  const label = resolveLabelColumn(file, labelColumn, cells.header, cells.columns);
  const n = cells.rows.length;
  const d = cells.columns - 1;
  const values = new Float64Array(n * d);
  const rawLabels = new Float64Array(n);
  // readCsvCells gives every row `columns` cells and a line number.
  cells.rows.forEach((row, i) => {
    const line = cells.lines[i]!;
    let j = 0;
    for (let c = 0; c < cells.columns; c++) {
      const cell = row[c]!;
      if (c === label) {
        const v = Number(cell);
        if (cell.trim() === '' || !Number.isInteger(v)) {
          throw new InputError(`${file}:${line}: label column ${describeColumn(c, cells.header)}: '${cell}' is not an integer`);
        }
        rawLabels[i] = v;
      } else {
        values[i * d + j++] = toFiniteNumber(cell, file, line, c, cells.header);
      }
    }
  });
  const { y, classNames } = encodeIntegerLabels(rawLabels, file);
  const labelName = describeColumn(label, cells.header);
  return {
    classNames,
    provenance: `user CSV ${fullPath} (${n} x ${d}, ${classNames.length} classes, label column ${labelName}${cells.header ? ', header row' : ', no header'})`,
    parts: { kind: 'pool', pool: { values, n, d, y } },
  };
}

/** The 0-based index of the label column. */
function resolveLabelColumn(file: string, wanted: string | undefined, header: string[] | undefined, columns: number): number {
  if (wanted === undefined || wanted === '') return columns - 1;
  const byName = header?.indexOf(wanted.trim()) ?? -1;
  if (byName >= 0) return byName;
  if (/^-?\d+$/.test(wanted.trim())) {
    const index = Number(wanted);
    const resolved = index < 0 ? columns + index : index;
    if (resolved >= 0 && resolved < columns) return resolved;
    throw new InputError(`${file}: label column index ${wanted} is out of range (the file has ${columns} columns, 0-based)`);
  }
  const known = header ? `columns: ${header.join(', ')}` : 'the file has no header row, so give a 0-based column index';
  throw new InputError(`${file}: label column '${wanted}' not found (${known})`);
}
