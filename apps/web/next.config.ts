import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources; Next compiles them with the app.
  transpilePackages: ['@slipway/artifacts', '@slipway/controller', '@slipway/core', '@slipway/db', '@slipway/queue', '@slipway/storage'],
  // Native addons and Node-only clients stay plain `require`s on the server instead of being bundled.
  serverExternalPackages: ['onnxruntime-node', 'bullmq', 'ioredis', 'pg', '@prisma/adapter-pg'],
};

export default config;
