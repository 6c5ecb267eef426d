/**
 * `npm run bench -- NAME`: prints its figures and, measured in the same run, the physical limit it is
 * compared against; the last line is JSON. BENCH_SIZE=tiny runs a small size (CI keeps it working).
 */
const name = process.argv[2];
const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  import: async () => (await import('./import.ts')).run(),
  search: async () => (await import('./search.ts')).run(),
  reconcile: async () => (await import('./reconcile.ts')).run(),
  schedule: async () => (await import('./schedule.ts')).run(),
  intake: async () => (await import('./intake.ts')).run(),
  'progress-write': async () => (await import('./progress-write.ts')).run(),
  dashboard: async () => (await import('./dashboard.ts')).run(),
  cards: async () => (await import('./cards.ts')).run(),
};

if (!name || !benches[name]) {
  console.error(`Dùng: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
const result = await benches[name]!();
console.log(JSON.stringify({ bench: name, ...result }));
process.exit(0);
