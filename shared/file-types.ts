import { z } from 'zod';

/** File extensions the library can import, and how each is read. */
export const FILE_TYPES = ['txt', 'md', 'pdf', 'docx', 'csv', 'json', 'jsonl'] as const;
export type FileType = (typeof FILE_TYPES)[number];
export const fileTypeSchema = z.enum(FILE_TYPES);

/** Text types hold free text; structured types hold records (tables). */
export const STRUCTURED_TYPES: readonly FileType[] = ['csv', 'jsonl', 'json'];

export const MEDIA_TYPES: Record<FileType, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/jsonl',
};

/** The type of a file by its name's extension, or undefined when the library cannot read it. */
export function fileTypeOf(name: string): FileType | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot === name.length - 1) return undefined;
  const ext = name.slice(dot + 1).toLowerCase();
  return (FILE_TYPES as readonly string[]).includes(ext) ? (ext as FileType) : undefined;
}
