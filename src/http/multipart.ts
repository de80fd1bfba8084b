/**
 * The one multipart reader, for REST uploads and the GraphQL multipart request spec alike. The file
 * part streams to a hashed temp file (bounded memory, any part order); the body is read to its end
 * before anyone answers, so the client's keep-alive connection stays usable whatever is rejected.
 * File names are decoded as UTF-8 (raw, or RFC 8187 `filename*`), as browsers send them.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { MultipartBody } from '../adapter/rest-route.ts';
import { AppError, ValidationError, type PayloadTooLargeError } from '../errors.ts';
import { RefusedUpload, SpooledFile, spoolUpload, fileTooLarge, type UploadValue } from '../storage/spool.ts';

export interface MultipartOptions {
  maxFileBytes: number;
  /** Where the file is spooled (under DATA_DIR). */
  dir: string;
  /** Only a file part of this name is taken (REST's `file`); any name when unset (GraphQL's map keys). */
  fileField?: string;
  maxFieldBytes: number;
  /** Refuse the file with this error: its bytes are read and dropped, nothing touches the disk. */
  refuseFile?: AppError;
}

export type { MultipartBody };

const MAX_FIELDS = 20;
/** Bytes of multipart framing and fields allowed beside the file itself. */
export const MULTIPART_OVERHEAD = 1024 * 1024;

/** Whether the request declares a multipart/form-data body. */
export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
}

/** A body declared so large it is refused unread: draining it would only waste the bandwidth. */
export function declaredTooLarge(req: IncomingMessage, maxFileBytes: number): PayloadTooLargeError | null {
  const declared = Number(req.headers['content-length'] ?? 0);
  return declared > maxFileBytes + MULTIPART_OVERHEAD ? fileTooLarge(maxFileBytes) : null;
}

export function readMultipart(req: IncomingMessage, options: MultipartOptions): Promise<MultipartBody> {
  if (!isMultipart(req)) return Promise.reject(new ValidationError('Send the upload as multipart/form-data', 'UNSUPPORTED_MEDIA_TYPE'));
  const tooLarge = declaredTooLarge(req, options.maxFileBytes);
  if (tooLarge) return Promise.reject(tooLarge);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // busboy truncates the file one byte past the limit, so the spool can tell "too large"
      limits: { fileSize: options.maxFileBytes + 1, files: 1, fields: MAX_FIELDS, fieldSize: options.maxFieldBytes, parts: MAX_FIELDS + 1 },
    });
  } catch {
    return Promise.reject(new ValidationError('The Content-Type of a multipart body must name its boundary (multipart/form-data; boundary=…)', 'INVALID_MULTIPART'));
  }
  return new Promise<MultipartBody>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let spool: Promise<SpooledFile> | null = null;
    let field = '';
    let failure: AppError | null = null;
    let settled = false;
    let received = 0;
    const fail = (err: AppError) => {
      failure ??= err;
    };
    const abort = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy();
      void spool?.then((f) => f.discard(), () => undefined);
      reject(err);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new ValidationError(`The field "${name}" is longer than ${options.maxFieldBytes} bytes`, 'FIELD_TOO_LARGE'));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if ((options.fileField && name !== options.fileField) || spool) {
        stream.resume();
        if (spool) fail(new ValidationError('Send one file per request', 'TOO_MANY_FILES'));
        return;
      }
      field = name;
      if (options.refuseFile) {
        stream.resume();
        spool = Promise.reject(options.refuseFile);
      } else spool = spoolUpload(stream, info.filename ?? null, options.maxFileBytes, options.dir);
      spool.catch(() => undefined); // settled in 'close'
    });
    parser.on('filesLimit', () => fail(new ValidationError('Send one file per request', 'TOO_MANY_FILES')));
    parser.on('fieldsLimit', () => fail(new ValidationError(`A multipart body may have at most ${MAX_FIELDS} fields`, 'TOO_MANY_FIELDS')));
    parser.on('partsLimit', () => fail(new ValidationError(`A multipart body may have at most ${MAX_FIELDS + 1} parts`, 'TOO_MANY_FIELDS')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      const finish = async (): Promise<MultipartBody> => {
        let upload: UploadValue | null = null;
        try {
          if (spool) upload = await spool;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          upload = new RefusedUpload(err);
        }
        if (failure) {
          if (upload instanceof SpooledFile) await upload.discard();
          throw failure;
        }
        return { fields, file: upload ? { field, upload } : null };
      };
      finish().then(resolve, reject);
    });
    parser.on('error', (err: Error) => abort(malformed(err)));
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // a body without Content-Length gets the same bound as a declared one
      if (received > options.maxFileBytes + MULTIPART_OVERHEAD) abort(fileTooLarge(options.maxFileBytes));
    });
    req.on('error', abort);
    req.on('close', () => !req.complete && abort(new ValidationError('The upload was interrupted before the body ended', 'UPLOAD_ABORTED')));
    req.pipe(parser);
  });
}

/** busboy's words, turned into what a client can act on. */
function malformed(err: Error): ValidationError {
  if (/part header/i.test(err.message)) {
    return new ValidationError(
      'A part header of the multipart body is malformed. A file name may not contain raw control characters (line breaks, NUL, …): send it RFC 8187-encoded as filename*=UTF-8\'\'…, as browsers do',
      'INVALID_MULTIPART',
    );
  }
  if (/unexpected end/i.test(err.message)) return new ValidationError('The multipart body ended before its closing boundary', 'INVALID_MULTIPART');
  return new ValidationError(`Malformed multipart body: ${err.message}`, 'INVALID_MULTIPART');
}
