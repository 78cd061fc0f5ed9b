import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A secret as the log records it: AES-256-GCM under the deployment's key, which is never in the database. */
export interface SealedSecret {
  alg: 'A256GCM';
  /** The first 16 hex digits of the key's SHA-256: says which key sealed it, without revealing the key. */
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export class SecretKeyMissing extends Error {
  constructor(keyId: string) {
    super(
      `a webhook secret was sealed with key ${keyId}, which this node does not hold: give every node the same SINERGI_SECRETS_KEY (or SINERGI_SECRETS_KEY_FILE)`,
    );
    this.name = 'SecretKeyMissing';
  }
}

/**
 * Seals the secrets that must be usable again (a webhook secret signs each delivery), so the event log, its
 * backups and its auditors never see them in the clear. The key comes from `SINERGI_SECRETS_KEY` (32 bytes, base64
 * or hex) or the file `SINERGI_SECRETS_KEY_FILE` names; without either, a key file is made beside the data
 * (`<data dir>/secrets.key`, readable by its owner only), which suits one node. Nodes that share a store share the key.
 */
export class SecretBox {
  readonly keyId: string;

  private constructor(private readonly key: Buffer) {
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes (base64 or hex in SINERGI_SECRETS_KEY)');
    return new SecretBox(key);
  }

  static fromEnv(defaultKeyFile: string, env: NodeJS.ProcessEnv = process.env): SecretBox {
    const inline = env.SINERGI_SECRETS_KEY?.trim();
    if (inline) return SecretBox.fromKey(decodeKey(inline));
    const file = env.SINERGI_SECRETS_KEY_FILE?.trim() || defaultKeyFile;
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    return SecretBox.fromKey(decodeKey(readFileSync(file, 'utf8').trim()));
  }

  seal(secret: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { alg: 'A256GCM', keyId: this.keyId, iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), ciphertext: ciphertext.toString('base64url') };
  }

  open(sealed: SealedSecret): string {
    if (sealed.keyId !== this.keyId) throw new SecretKeyMissing(sealed.keyId);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

function decodeKey(text: string): Buffer {
  return /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}
