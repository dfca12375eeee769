import { hashPassword, verifyPassword } from '@slipway/db';
import { createSession, sessionCookie } from '@/lib/server/auth';
import { clientAddress } from '@/lib/server/client-request';
import { serverContext } from '@/lib/server/context';
import { checkCredentials } from '@/lib/server/credentials';
import { webEnv } from '@/lib/server/env';
import { ApiError } from '@/lib/server/errors';
import { createLoginThrottle } from '@/lib/server/login-throttle';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

function loginThrottle() {
  const env = webEnv();
  return createLoginThrottle(serverContext().redis, {
    prefix: env.SLIPWAY_PREFIX,
    maxFailuresPerAccount: env.SLIPWAY_LOGIN_MAX_FAILURES,
    maxFailuresPerAddress: env.SLIPWAY_LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowSeconds: env.SLIPWAY_LOGIN_WINDOW_SECONDS,
  });
}

/** Signs in with email and password; too many failures (per account or per address) answer 429 until the window ends. */
export const POST = route(API.signIn, async ({ req, body }) => {
  const email = body.email.toLowerCase();
  const address = clientAddress(req.headers);
  const throttle = loginThrottle();
  // Checked before the password, so a locked account does not say whether a guess was right.
  const wait = await throttle.retryAfterSeconds(email, address);
  if (wait > 0) {
    throw new ApiError('too_many_requests', `too many failed sign-ins; try again in ${wait} s`, { 'retry-after': String(wait) });
  }
  const { db } = serverContext();
  const user = await checkCredentials(
    { findUserByEmail: (e) => db.user.findUnique({ where: { email: e } }), verifyPassword, hashPassword },
    email,
    body.password,
  );
  if (!user) {
    await throttle.recordFailure(email, address);
    throw new ApiError('invalid_credentials', 'wrong email or password');
  }
  await throttle.forgiveAccount(email);
  const { token, expires } = await createSession(user.id);
  return Response.json(
    { user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } },
    { headers: { 'set-cookie': sessionCookie(req, token, expires) } },
  );
});
