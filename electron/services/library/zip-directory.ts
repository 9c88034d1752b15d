import { AppError } from '../../../shared/errors';
import { formatBytes, type ExtractionLimits } from '../../../shared/import-rules';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const EOCD_LENGTH = 22;
const CENTRAL_HEADER_LENGTH = 46;
/** Entries smaller than this may compress absurdly well (a run of spaces) without harm. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

/**
 * Refuses a ZIP (a DOCX) whose central directory declares more than the limits allow, before
 * any entry is inflated. It reads the directory the way JSZip (inside mammoth) does: the last
 * end-of-central-directory record in the file, prepended bytes tolerated, consecutive headers
 * from the directory's offset. Sizes a directory understates are not caught here; the worker's
 * memory and time limits stop those.
 *
 * @throws AppError `expanded_too_large` or `invalid_docx`.
 */
export function checkZipExpansion(
  bytes: Uint8Array,
  limits: Pick<ExtractionLimits, 'maxExpandedBytes' | 'maxCompressionRatio' | 'maxZipEntries'>,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => (at + 4 <= bytes.length ? view.getUint32(at, true) : -1);
  const u16 = (at: number): number => (at + 2 <= bytes.length ? view.getUint16(at, true) : -1);

  let eocd = -1;
  for (let at = bytes.length - 4; at >= 0; at--) {
    if (u32(at) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  // No (complete) directory record: JSZip refuses the file itself, and mammoth's message for that
  // (not a ZIP, damaged) is the clearer one.
  if (eocd < 0 || eocd + EOCD_LENGTH > bytes.length) return;
  const declaredEntries = u16(eocd + 10);
  const directorySize = u32(eocd + 12);
  let directoryOffset = u32(eocd + 16);
  if (
    u16(eocd + 4) === 0xffff ||
    u16(eocd + 6) === 0xffff ||
    u16(eocd + 8) === 0xffff ||
    declaredEntries === 0xffff ||
    directorySize === 0xffffffff ||
    directoryOffset === 0xffffffff
  ) {
    // ZIP64 is for archives beyond 4 GB or 65,535 entries; no Word document needs it.
    throw new AppError(
      'invalid_docx',
      'This .docx file is a ZIP64 archive, which Word does not write. Open it in Word and save a new copy.',
      {
        reason: 'zip64',
      },
    );
  }
  const extraBytes = eocd - (directoryOffset + directorySize);
  // JSZip shifts every offset by bytes found before the directory (data prepended to the ZIP).
  if (extraBytes > 0) directoryOffset += extraBytes;

  let entries = 0;
  let expanded = 0;
  for (let at = directoryOffset; u32(at) === CENTRAL_HEADER_SIGNATURE;) {
    entries++;
    if (entries > limits.maxZipEntries) {
      throw new AppError(
        'expanded_too_large',
        `This .docx file holds more than ${limits.maxZipEntries} parts; no Word document needs that many.`,
        {
          reason: 'entries',
          limit: limits.maxZipEntries,
        },
      );
    }
    const compressed = u32(at + 20);
    const uncompressed = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    if (compressed < 0 || uncompressed < 0 || nameLength < 0 || extraLength < 0 || commentLength < 0) break;
    // 0xFFFFFFFF defers to a ZIP64 field: a size of at least 4 GiB, far over any limit here.
    expanded += uncompressed;
    if (expanded > limits.maxExpandedBytes) {
      throw new AppError(
        'expanded_too_large',
        `This .docx file would expand to more than ${formatBytes(limits.maxExpandedBytes)} when unpacked, so it is refused: it looks like a ZIP bomb rather than a document.`,
        { reason: 'total', limit: limits.maxExpandedBytes },
      );
    }
    if (uncompressed > RATIO_FLOOR_BYTES && uncompressed > limits.maxCompressionRatio * Math.max(compressed, 1)) {
      throw new AppError(
        'expanded_too_large',
        `A part of this .docx file is compressed more than ${limits.maxCompressionRatio} to 1, which documents never are, so it is refused: it looks like a ZIP bomb.`,
        { reason: 'ratio', limit: limits.maxCompressionRatio },
      );
    }
    at += CENTRAL_HEADER_LENGTH + nameLength + extraLength + commentLength;
  }
}
