/**
 * The Ed25519 keys of sending and issuing (decision 0018), as PEM files under `DATA/keys/`, readable by the owner only:
 * - `root.pem`: the root key that signs the issuer key list (in a real deployment kept offline; a verifier is given
 *   its public half, `root.pub.pem`, once). A province that reaches a remote centre holds only `root.pub.pem`.
 * - `issuer-<kid>.pem`: the centre's issuer keys (cards, QR, status lists, batch receipts); which one signs now, and
 *   since when, is in the table `issuer_keys`.
 * - `province-<PP>.pem`: a province's batch-signing key.
 * A key's id is derived from its public half, so the same key always has the same id.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { createOnce } from '../platform/files.ts';
import type { SigningKey } from './domain/cose.ts';
import type { IssuerKey } from './domain/keys.ts';

export const spkiOf = (key: KeyObject): Buffer => (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });

/** `<prefix>-` and 10 characters of the public key's SHA-256 (base64url). */
export const kidOf = (prefix: string, publicKey: KeyObject): string => `${prefix}-${createHash('sha256').update(spkiOf(publicKey)).digest('base64url').slice(0, 10)}`;

export const publicKeyFromSpki = (spki: Uint8Array): KeyObject => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });

const newPrivateKeyPem = (): Buffer => Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);

async function readPrivate(file: string): Promise<KeyObject> {
  const key = createPrivateKey(await readFile(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 key`);
  return key;
}

export interface KeyRing {
  readonly dir: string;
  /** The root key (created at first use on the centre). */
  root(): Promise<SigningKey>;
  /** The root's public key: from `root.pub.pem` (given by the centre), or the local root key's; an error if neither. */
  rootPublic(): Promise<KeyObject>;
  /** The province's batch-signing key (created at first use). */
  province(code: string): Promise<SigningKey>;
  /** The issuer key that signs now (created and registered at first use). */
  issuer(db: Db): Promise<SigningKey>;
  /** Closes the current issuer key's period and starts a new key; the old one stays listed. */
  rotateIssuer(db: Db): Promise<SigningKey>;
}

export function keyRing(dir: string): KeyRing {
  const cache = new Map<string, Promise<KeyObject>>();
  const loadOrCreate = (name: string): Promise<KeyObject> => {
    let loaded = cache.get(name);
    if (!loaded) {
      const file = path.join(dir, `${name}.pem`);
      loaded = createOnce(file, newPrivateKeyPem())
        .then(() => readPrivate(file))
        .catch((error: unknown) => {
          cache.delete(name);
          throw error;
        });
      cache.set(name, loaded);
    }
    return loaded;
  };
  const signing = async (prefix: string, name: string): Promise<SigningKey> => {
    const privateKey = await loadOrCreate(name);
    return { kid: kidOf(prefix, privateKey), privateKey };
  };
  const issuerFile = async (kid: string): Promise<SigningKey> => {
    let loaded = cache.get(`issuer-${kid}`);
    if (!loaded) {
      loaded = readPrivate(path.join(dir, `issuer-${kid}.pem`));
      cache.set(`issuer-${kid}`, loaded);
    }
    return { kid, privateKey: await loaded };
  };
  /** A new issuer key file, named by its id. */
  const createIssuer = async (): Promise<{ kid: string; spki: Buffer }> => {
    const pem = newPrivateKeyPem();
    const key = createPrivateKey(pem);
    const kid = kidOf('BTC', key);
    await createOnce(path.join(dir, `issuer-${kid}.pem`), pem);
    return { kid, spki: spkiOf(key) };
  };
  return {
    dir,
    root: () => signing('ROOT', 'root'),
    async rootPublic() {
      for (const name of ['root.pub.pem', 'root.pem']) {
        try {
          return createPublicKey(await readFile(path.join(dir, name)));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      // Never made up here: a province trusts the centre's root only once it was given it.
      throw new AppError('card.root_key_missing', { file: path.join(dir, 'root.pub.pem') });
    },
    province: (code) => signing(`P${code}`, `province-${code}`),
    async issuer(db) {
      const current = await db.selectFrom('issuer_keys').select('kid').where('signs_until', 'is', null).executeTakeFirst();
      if (current) return issuerFile(current.kid);
      const created = await createIssuer();
      // Two processes starting at once: the unique index on the current key lets one win; both use the winner.
      await db.insertInto('issuer_keys').values(created).onConflict((oc) => oc.doNothing()).execute();
      const winner = await db.selectFrom('issuer_keys').select('kid').where('signs_until', 'is', null).executeTakeFirstOrThrow();
      return issuerFile(winner.kid);
    },
    async rotateIssuer(db) {
      const created = await createIssuer();
      await db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext('issuer_keys'))`.execute(trx);
        await trx.updateTable('issuer_keys').set({ signs_until: sql`now()` }).where('signs_until', 'is', null).execute();
        await trx.insertInto('issuer_keys').values(created).execute();
      });
      return issuerFile(created.kid);
    },
  };
}

/** Every issuer key that ever signed, for the published key list. */
export async function issuerKeys(db: Db): Promise<IssuerKey[]> {
  const rows = await db.selectFrom('issuer_keys').selectAll().orderBy('signs_from').execute();
  return rows.map((r) => ({ kid: r.kid, spki: r.spki, signsFrom: r.signs_from.toISOString(), signsUntil: r.signs_until ? new Date(r.signs_until).toISOString() : null }));
}

/** The issuer's public keys by key id, as a card's QR or chip record is checked against them. */
export async function issuerKeyLookup(db: Db): Promise<(kid: string) => KeyObject | undefined> {
  const known = new Map((await issuerKeys(db)).map((k) => [k.kid, publicKeyFromSpki(k.spki)]));
  return (kid) => known.get(kid);
}
