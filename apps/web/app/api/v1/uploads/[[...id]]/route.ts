import { handleUploadRequest } from '@/lib/server/tus';

// Resumable uploads over the tus protocol (https://tus.io/protocols/resumable-upload):
// `/api/v1/uploads` creates an upload, `/api/v1/uploads/<id>` resumes, appends to or cancels it.
// Route handlers stream `request.body` unbuffered: Next's body size limit applies only when a proxy (middleware) runs.
export const dynamic = 'force-dynamic';

const handler = (req: Request) => handleUploadRequest(req);

export { handler as GET, handler as HEAD, handler as POST, handler as PATCH, handler as DELETE, handler as OPTIONS };
