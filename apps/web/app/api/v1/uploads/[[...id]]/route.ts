import { API, type OperationSpec } from '@/lib/server/api-catalogue';
import { declareHandler } from '@/lib/server/route';
import { handleUploadRequest } from '@/lib/server/tus';

// Resumable uploads over the tus protocol (https://tus.io/protocols/resumable-upload):
// `/api/v1/uploads` creates an upload, `/api/v1/uploads/<id>` resumes, appends to or cancels it.
// Route handlers stream `request.body` unbuffered: Next's body size limit applies only when a proxy (middleware) runs.
export const dynamic = 'force-dynamic';

const tus = (operation: OperationSpec) => declareHandler(operation, (req: Request) => handleUploadRequest(req));

export const POST = tus(API.createUpload);
export const OPTIONS = tus(API.getUploadCapabilities);
export const HEAD = tus(API.getUploadOffset);
export const PATCH = tus(API.appendUpload);
export const DELETE = tus(API.cancelUpload);
export const GET = tus(API.getUpload);
