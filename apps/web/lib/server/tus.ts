import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { ERRORS, Server, type Upload } from '@tus/server';
import { artifactFormatFromFilename, must } from '@slipway/core';
import { currentUser, requireTeamRole, type SessionUser } from './auth';
import { serverContext } from './context';
import { webEnv } from './env';
import { fromDatabaseError } from './database-errors';
import { ApiError, errorResponse, ForeignApiError, notFound } from './errors';
import { checkQuota, registerVersion } from './register-version';
import { RedisLocker } from './redis-locker';
import { unstorableText } from './request-text';
import { assertNotCrossSite } from './route';
import { log } from './log';

/** The tus endpoint: POST creates an upload, HEAD tells its offset, PATCH appends, DELETE cancels. */
const UPLOADS_PATH = '/api/v1/uploads';
/** Partial uploads nobody resumed within a day are deleted. */
const EXPIRE_AFTER_MS = 24 * 60 * 60 * 1000;
const CLEAN_UP_EVERY_MS = 60 * 60 * 1000;

interface UploadServer {
  server: Server;
  store: FileStore;
}

/** What one HTTP request learned on its way through the tus hooks. */
interface RequestState {
  user: SessionUser;
  finishedUploadId?: string;
}
const requests = new WeakMap<Request, RequestState>();

const globalForTus = globalThis as unknown as { slipwayUploads?: UploadServer };

const uploadsDir = () => path.resolve(webEnv().SLIPWAY_DATA_DIR, 'uploads');

/**
 * One tus server per process, created on first use. Uploads live in the data dir (with their metadata beside
 * them) and locks in Redis, so consecutive requests of one upload may reach different web processes that
 * share the data dir.
 */
function uploadServer(): UploadServer {
  if (!globalForTus.slipwayUploads) {
    const store = new FileStore({ directory: uploadsDir(), expirationPeriodInMilliseconds: EXPIRE_AFTER_MS });
    const server = new Server({
      path: UPLOADS_PATH,
      datastore: store,
      locker: new RedisLocker(serverContext().redis, webEnv().SLIPWAY_PREFIX),
      relativeLocation: true,
      maxSize: webEnv().SLIPWAY_MAX_UPLOAD_BYTES,
      // Once the last byte is in, the file is being registered: too late to cancel.
      disableTerminationForFinishedUploads: true,
      onIncomingRequest: (req, id) => authorize(store, req, id),
      onUploadCreate: async (req, upload) => ({ metadata: await checkNewUpload(requestState(req).user, upload) }),
      onUploadFinish: (req, upload) => registerUpload(req, upload),
      onResponseError: (_req, error) => errorBody(error),
    });
    setInterval(() => {
      server.cleanUpExpiredUploads().catch((err: unknown) => log.error({ err }, 'cleaning up expired uploads failed'));
    }, CLEAN_UP_EVERY_MS).unref();
    globalForTus.slipwayUploads = { server, store };
  }
  return globalForTus.slipwayUploads;
}

/** Answers one tus request; errors come back in the API's `{"error": {"code", "message"}}` shape. */
export async function handleUploadRequest(req: Request): Promise<Response> {
  try {
    assertNotCrossSite(req);
  } catch (error) {
    return errorResponse(error);
  }
  const { server, store } = uploadServer();
  try {
    return await asJsonError(await server.handleWeb(req));
  } finally {
    // Removed here rather than in onUploadFinish: tus's POST handler (creation-with-upload)
    // still reads the upload after that hook returns.
    const finished = requests.get(req)?.finishedUploadId;
    if (finished) await store.remove(finished).catch((err: unknown) => log.error({ err, upload: finished }, 'removing a finished upload failed'));
  }
}

function requestState(req: Request): RequestState {
  const state = requests.get(req);
  if (!state) throw new Error('tus hook ran before onIncomingRequest');
  return state;
}

/** Every request needs a signed-in user; an existing upload answers only the user who created it. */
async function authorize(store: FileStore, req: Request, uploadId: string): Promise<void> {
  const user = await currentUser(req);
  if (!user) throw new ApiError('unauthorized', 'sign in to continue');
  requests.set(req, { user });
  if (req.method === 'POST') return;
  const upload = await store.getUpload(uploadId);
  if (upload.metadata?.uploaderId !== user.id) throw notFound('upload');
}

/** Refuses what could never become a version before a byte is sent; returns the metadata to keep. */
async function checkNewUpload(user: SessionUser, upload: Upload): Promise<Upload['metadata']> {
  const filename = upload.metadata?.filename?.trim();
  const modelName = upload.metadata?.model?.trim();
  for (const [field, value] of [
    ['filename', filename],
    ['model', modelName],
  ] as const) {
    const problem = value === undefined ? null : unstorableText(value);
    if (problem) throw new ApiError('validation_error', `Upload-Metadata ${field}: ${problem}`);
  }
  if (!filename || filename.length > 255) throw new ApiError('validation_error', 'Upload-Metadata needs a filename of 1 to 255 characters');
  if (!modelName) throw new ApiError('validation_error', 'Upload-Metadata needs the model name');
  if (!artifactFormatFromFilename(filename)) {
    throw new ApiError('unsupported_media_type', `'${filename}' is not a supported artifact; upload .onnx, .onnx.gz, .tar.gz, .tgz or .zip`);
  }
  if (upload.size === 0) throw new ApiError('validation_error', 'the file is empty');
  const model = await serverContext().db.model.findUnique({ where: { name: modelName }, include: { team: true } });
  if (!model) throw notFound(`model '${modelName}'`);
  requireTeamRole(user, model.teamId, 'member', `model '${modelName}'`);
  // Refused before a byte is sent, not after gigabytes.
  if (upload.size !== undefined) await checkQuota(model.team, upload.size);
  return { filename, model: modelName, modelId: model.id, uploaderId: user.id };
}

/** The last byte arrived: the file becomes the model's next version (or the one it duplicates). */
async function registerUpload(req: Request, upload: Upload) {
  const state = requestState(req);
  state.finishedUploadId = upload.id;
  const headers = { 'content-type': 'application/json' };
  try {
    // Written by checkNewUpload when the upload was created.
    const kept = (name: string) => must(upload.metadata?.[name], `upload metadata '${name}'`);
    const [modelId, modelName, filename] = [kept('modelId'), kept('model'), kept('filename')] as const;
    // Roles may have changed, or the model gone, since the upload was created.
    const model = await serverContext().db.model.findUnique({ where: { id: modelId } });
    if (!model) throw notFound(`model '${modelName}'`);
    requireTeamRole(state.user, model.teamId, 'member', `model '${modelName}'`);
    const { version, created } = await registerVersion({
      modelId,
      userId: state.user.id,
      filename,
      file: path.join(uploadsDir(), upload.id),
      sizeHint: upload.size,
    });
    return { status_code: created ? 201 : 200, headers, body: JSON.stringify({ version, deduplicated: !created }) };
  } catch (error) {
    return { ...(await errorBody(error)), headers };
  }
}

/** tus's own refusals are plain text with a status; these are their API codes. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'validation_error',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  412: 'precondition_failed',
  413: 'payload_too_large',
  423: 'locked',
  501: 'not_implemented',
};

type TusError = { status_code: number; body: string };

const isTusError = (error: unknown): error is TusError => typeof error === 'object' && error !== null && 'status_code' in error && 'body' in error;

function asApiError(error: unknown): unknown {
  const fromDatabase = fromDatabaseError(error);
  if (fromDatabase) return fromDatabase;
  if (error === ERRORS.ERR_MAX_SIZE_EXCEEDED) {
    return new ApiError('payload_too_large', `the file is larger than the ${formatGiB(webEnv().SLIPWAY_MAX_UPLOAD_BYTES)} upload limit`);
  }
  if (!isTusError(error)) return error;
  const message = error.body.trim() || `upload request failed (${error.status_code})`;
  return new ForeignApiError(CODE_BY_STATUS[error.status_code] ?? 'internal', error.status_code, message);
}

/** Any error of a hook or of tus itself as a status and the API's JSON error body. */
async function errorBody(error: unknown): Promise<TusError> {
  const response = errorResponse(asApiError(error));
  return { status_code: response.status, body: await response.text() };
}

const formatGiB = (bytes: number) => `${Number((bytes / 1024 ** 3).toFixed(2))} GiB`;

/** Some refusals (a missing Tus-Resumable header, malformed headers) bypass the hooks; they get the JSON shape here. */
async function asJsonError(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  const body = text.startsWith('{"error"') ? text : (await errorBody({ status_code: response.status, body: text })).body;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  return new Response(body, { status: response.status, headers });
}
