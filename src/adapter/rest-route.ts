/**
 * The REST adapter contract the modules' *.rest.ts files implement: below the modules and the HTTP
 * edge alike, so a module's routes never import http/ (which imports the modules).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../auth/actor.ts';
import type { UploadValue } from '../storage/spool.ts';

export interface MultipartBody {
  fields: Record<string, string>;
  /** The file part: spooled, or refused while it arrived (too large), its bytes read and dropped. */
  file: { field: string; upload: UploadValue } | null;
}

export interface RestRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Who is calling (null on the routes without auth when nobody is signed in). */
  actor: Actor | null;
  sessionToken: string | null;
  clientIp: string | undefined;
  raw: IncomingMessage;
  /** Parses the JSON body (400 on malformed JSON or a non-object, 413 over the limit). */
  json(): Promise<Record<string, unknown>>;
  /** Reads a multipart/form-data body, the file part `fileField` spooled to disk (400/413 as for any body). */
  multipart(fileField: string): Promise<MultipartBody>;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Writes the response itself (Server-Sent Events, file streams). */
  stream?: (res: ServerResponse) => void;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** e.g. `/api/v1/collections/:id` */
  path: string;
  /** false for signup/login/openapi; everything else needs an actor (401). */
  auth?: boolean;
  handler: (req: RestRequest) => Promise<RestResponse>;
}
