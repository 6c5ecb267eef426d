#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript sources directly (tsx), so the CLI, the server and the tests share one build-free code path.
// A young generation of 64 MB semi-spaces (V8's default is 16): a server taking hundreds of dossiers a second holds
// each request's objects for tens of milliseconds, and with small semi-spaces they outlive two scavenges, are promoted,
// and cost full collections (decision 0015). `npm start` and `npm run doithe` pass the same flag.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
