#!/usr/bin/env node
// Runs the TypeScript sources with tsx, like the rest of the repository.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
