import { S3ServiceException } from '@aws-sdk/client-s3';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { ConflictError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { StorageIntegrityError } from '../storage/integrity.ts';
import { asServiceUnavailable, unavailableResponse } from './unavailable.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'FATAL' });
const s3Error = (name: string, status: number) => new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const netError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });

describe('asServiceUnavailable', () => {
  it.each([
    ['connection refused', netError('ECONNREFUSED')],
    ['connection reset', netError('ECONNRESET')],
    ['admin shutdown (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['connection exception class 08', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['pg connection lost (no code)', new Error('Connection terminated unexpectedly')],
    ['pg pool timeout', new Error('timeout exceeded when trying to connect')],
    ['TypeORM-wrapped pg error', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
    ['TypeORM released runner', Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' })],
    ['a cause chain', new Error('upload failed', { cause: netError('ETIMEDOUT') })],
    ['happy eyeballs', Object.assign(new AggregateError([netError('ECONNREFUSED'), netError('ECONNREFUSED')]), { code: undefined })],
    ['S3 503 after retries', s3Error('ServiceUnavailable', 503)],
    ['S3 SlowDown', s3Error('SlowDown', 503)],
    ['S3 500', s3Error('InternalError', 500)],
    ['a store that keeps corrupting', new StorageIntegrityError('stored different bytes')],
  ])('%s is an outage: 503, code UNAVAILABLE, Retry-After, original as cause', (_name, err) => {
    const out = asServiceUnavailable(err);
    expect(out).toBeInstanceOf(ServiceUnavailableError);
    expect(out).toMatchObject({ status: 503, code: 'UNAVAILABLE', headers: { 'Retry-After': '5' }, cause: err });
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key'))],
    ['a syntax error', pgError('42601')],
    ['an application error', new ValidationError('bad slug')],
    ['a conflict', new ConflictError('taken')],
    ['S3 access denied', s3Error('AccessDenied', 403)],
    ['S3 missing key', s3Error('NoSuchKey', 404)],
    ['not an error at all', 'a string'],
  ])('%s is not an outage', (_name, err) => {
    expect(asServiceUnavailable(err)).toBeNull();
  });

  it('answers GraphQL requests with a GraphQL error and everything else with {message, code}', () => {
    const err = netError('ECONNREFUSED');
    expect(unavailableResponse(err, '/api/v1/images')).toEqual({ status: 503, headers: { 'Retry-After': '5' }, body: { message: expect.any(String), code: 'UNAVAILABLE' } });
    expect(unavailableResponse(err, '/graphql')).toEqual({ status: 503, headers: { 'Retry-After': '5' }, body: { errors: [{ message: expect.any(String), extensions: { code: 'UNAVAILABLE' } }] } });
    expect(unavailableResponse(new Error('boom'), '/graphql')).toBeNull();
  });
});
