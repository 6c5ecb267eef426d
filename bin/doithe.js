#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the CLI, the server and the tests share one build-free code path.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
