/** A file chosen for import, with the path it had inside a chosen or dropped folder. */
export type PickedFile = { file: File; relativePath: string };

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns the listing in batches; an empty batch ends it.
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativePath: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    children.sort((a, b) => a.name.localeCompare(b.name));
    // Hidden entries (.DS_Store, .git) are skipped inside folders, as the host does.
    for (const child of children) if (!child.name.startsWith('.')) await walk(child, out);
  }
}

/** The files of a drop, descending into dropped folders. */
export async function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries = [...data.items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return [...data.files].map((file) => ({ file, relativePath: file.name }));
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

/** Whether a path inside a chosen folder passes through a hidden entry (skipped, as the host does). */
function isHiddenInFolder(relativePath: string): boolean {
  return relativePath
    .split('/')
    .slice(1)
    .some((part) => part.startsWith('.'));
}

/**
 * The files of an `<input type=file>` (with or without `webkitdirectory`), in path order as for a
 * drop: the browser lists a folder in no set order, and import order decides which of two
 * duplicates counts as the earlier one.
 */
export function filesFromInput(list: FileList): PickedFile[] {
  return [...list]
    .map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }))
    .filter(({ relativePath }) => !isHiddenInFolder(relativePath))
    .sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

/** The file's bytes as base64, without blocking the page (the browser encodes natively). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}
