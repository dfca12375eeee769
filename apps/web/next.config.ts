import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources; Next compiles them with the app.
  transpilePackages: [
    '@slipway/artifacts',
    '@slipway/client',
    '@slipway/controller',
    '@slipway/core',
    '@slipway/db',
    '@slipway/http',
    '@slipway/log',
    '@slipway/queue',
    '@slipway/storage',
  ],
  // Native addons and Node-only clients stay plain `require`s on the server instead of being bundled.
  serverExternalPackages: ['onnxruntime-node', 'bullmq', 'ioredis', 'pg', '@prisma/adapter-pg', 'pino', 'pino-pretty'],
  // `tsc -b` type-checks the app before every build (scripts/lib/web-build.ts, Dockerfile): Next's own
  // check would read the referenced packages' declarations before anything built them.
  typescript: { ignoreBuildErrors: true },
};

export default config;
