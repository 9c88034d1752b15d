/**
 * Crafted files that attack the import parsers, generated at test time (the real bombs are a few
 * megabytes; the small committed ones are in test/fixtures/import/malformed, see its README).
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MIB = 1024 * 1024;
const CHUNK = 16 * MIB;

/**
 * A raw DEFLATE stream that inflates to `total` zero bytes (a multiple of 16 MiB): one chunk
 * compressed once, ended by a full flush so that copies of it are independent blocks, repeated,
 * then a final empty block. 2 GiB come out of about 2 MB.
 */
export function deflatedZeros(total: number): Buffer {
  if (total % CHUNK !== 0) throw new Error('total must be a multiple of 16 MiB');
  const chunk = deflateRawSync(Buffer.alloc(CHUNK), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  // 0x03 0x00: a final block with fixed Huffman codes holding only end-of-block.
  return Buffer.concat([...Array.from({ length: total / CHUNK }, () => chunk), Buffer.from([0x03, 0x00])]);
}

function crcOfZeros(total: number): number {
  const zeros = Buffer.alloc(CHUNK);
  let crc = 0;
  for (let done = 0; done < total; done += CHUNK) crc = crc32(zeros.subarray(0, Math.min(CHUNK, total - done)), crc);
  return crc;
}

type ZipEntry = { name: string; data: Buffer; method: 0 | 8; crc: number; size: number };

function entryOf(name: string, content: string): ZipEntry {
  const raw = Buffer.from(content, 'utf8');
  return { name, data: deflateRawSync(raw), method: 8, crc: crc32(raw), size: raw.length };
}

/** A ZIP archive (APPNOTE 4.3) of the entries exactly as given: sizes and CRCs are not checked. */
export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0x5821, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt16LE(0x5821, 14);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  '</Relationships>';

/** A DOCX whose word/document.xml is `total` zero bytes, honestly declared and CRC'd: a ZIP bomb. */
export function docxBomb(total: number): Buffer {
  return zipOf([
    entryOf('[Content_Types].xml', CONTENT_TYPES),
    entryOf('_rels/.rels', RELS),
    { name: 'word/document.xml', data: deflatedZeros(total), method: 8, crc: crcOfZeros(total), size: total },
  ]);
}

/** A real DOCX with one paragraph, written by the same ZIP writer (so the writer is shown sound). */
export function docxWithText(text: string): Buffer {
  return zipOf([
    entryOf('[Content_Types].xml', CONTENT_TYPES),
    entryOf('_rels/.rels', RELS),
    entryOf(
      'word/document.xml',
      '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
        `<w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
    ),
  ]);
}

/** A PDF from object bodies 1..n (object 1 the catalog), with an exact xref table. */
export function pdfOf(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.from(body), Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(offset);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    '0000000000 65535 f \n',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ];
  xref.push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`);
  parts.push(Buffer.from(xref.join(''), 'latin1'));
  return Buffer.concat(parts);
}

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

function textPage(parent: number, contents: number, font: number): string {
  return `<< /Type /Page /Parent ${parent} 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} 0 R >>`;
}

/** A PDF of `pages` distinct page objects, each showing its number. */
export function pdfWithPages(pages: number): Buffer {
  const font = 3 + 2 * pages;
  const objects: (string | Buffer)[] = ['<< /Type /Catalog /Pages 2 0 R >>'];
  objects.push(`<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, i) => `${3 + 2 * i} 0 R`).join(' ')}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) {
    const ops = `BT /F1 12 Tf 20 100 Td (page ${i + 1}) Tj ET`;
    objects.push(textPage(2, 4 + 2 * i, font), `<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
  }
  objects.push(FONT);
  return pdfOf(objects);
}

/**
 * A one-page PDF whose content stream (FlateDecode, RFC 1950) inflates to `total` zero bytes:
 * pdf.js buffers the whole inflated stream in memory outside the V8 heap.
 */
export function pdfStreamBomb(total: number): Buffer {
  const raw = deflatedZeros(total);
  // Adler-32 of n zeros: a stays 1, b = n mod 65521.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0);
  const data = Buffer.concat([Buffer.from([0x78, 0xda]), raw, adler]);
  const stream = Buffer.concat([
    Buffer.from(`<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
  return pdfOf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', textPage(2, 4, 5), stream, FONT]);
}
