import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService, LogLevel, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AccessConfig } from '../../src/access/access.config';
import { Users } from '../../src/access/users';
import { AppModule } from '../../src/app.module';
import { type RemindersSettings, SinergiConfig } from '../../src/config/sinergi.config';
import type { EventStoreSelection } from '../../src/infrastructure/event-store-adapters';
import { Clock } from '../../src/core/clock.port';
import type { Actor } from '../../src/core/event';
import { EventStore } from '../../src/core/event-store.port';
import { readModelFileOf, ReadModelsConfig, type ReadModelStoreSelection } from '../../src/read-models/read-models.config';
import { configureApp } from '../../src/configure-app';
import { documentDirectoryOf, DocumentsConfig, type DocumentStoreSelection } from '../../src/documents/documents.config';

/** A clock that stands still until a test moves it. */
export class TestClock extends Clock {
  private current: number;

  constructor(start: string) {
    super();
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to an instant (ISO 8601). */
  set(instant: string): void {
    this.current = Date.parse(instant);
  }
}

/** Requests that carry one user's bearer token (or none). */
export interface RequestsAs {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  /** With a JSON body, or none: a file is then sent with `.send(bytes)`. */
  put(path: string, body?: object): request.Test;
}

export interface TestAppOptions {
  /** Where the clock starts (ISO 8601). */
  now?: string;
  bodyLimit?: string;
  /** Single sign-on, CORS and the brake on refused tokens; by default only API tokens, CORS closed. */
  access?: AccessConfig;
  /** Receives what the application logs (by default, errors and warnings go to the console). */
  logger?: LoggerService | LogLevel[];
  /** Reminders (Redis, SMTP); off by default. */
  reminders?: RemindersSettings;
  /** A data directory of the caller's, kept on close (another process may take over from this one); by default a fresh one, removed on close. */
  dataDir?: string;
  /** The event store: SQLite in the data directory (the default), a PostgreSQL database or a KurrentDB server. */
  events?: EventStoreSelection;
  /** The read models: SQLite in the data directory (the default), or a schema of a PostgreSQL database. */
  readModels?: { adapter: 'sqlite' } | Extract<ReadModelStoreSelection, { adapter: 'postgres' }>;
  /** The documents: files in the data directory (the default), or a PostgreSQL database. */
  documents?: Extract<DocumentStoreSelection, { adapter: 'postgres' }>;
  /** Largest document accepted; 20 MB by default. */
  documentMaxBytes?: number;
}

/** Who an API token is for, beyond the actor it records: name and scope. */
/** Who adds the tests' users: the operator at the shell, as `sinergi user add` records it. */
export const TEST_OPERATOR: Actor = { userId: 'cli:test', role: 'admin', region: 'deployment' };

export interface TestUser extends Actor {
  name?: string;
  national?: boolean;
}

/**
 * The real application (every module, the SQLite stores on a fresh temporary directory unless the options name
 * PostgreSQL ones), listening on an ephemeral port, with a clock the test moves.
 */
export class TestApp {
  /**
   * The tokens of the users added so far, per event store: nodes on one store (or a restart on one data directory)
   * share them, as they share the users.
   */
  private static readonly tokenBooks = new Map<string, Map<string, Promise<string>>>();
  private readonly tokens: Map<string, Promise<string>>;

  private constructor(
    private readonly app: NestExpressApplication,
    readonly url: string,
    readonly clock: TestClock,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    storeKey: string,
  ) {
    let book = TestApp.tokenBooks.get(storeKey);
    if (!book) TestApp.tokenBooks.set(storeKey, (book = new Map()));
    this.tokens = book;
  }

  static async start(options: TestAppOptions = {}): Promise<TestApp> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sinergi-e2e-'));
    const clock = new TestClock(options.now ?? '2025-01-01T02:00:00.000Z');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SinergiConfig)
      .useValue(new SinergiConfig(0, dataDir, options.bodyLimit ?? '100kb', options.events ?? { adapter: 'sqlite' }, options.reminders))
      .overrideProvider(ReadModelsConfig)
      .useValue(
        new ReadModelsConfig(
          options.readModels?.adapter === 'postgres' ? options.readModels : { adapter: 'sqlite', file: readModelFileOf({ dataDir }) },
          'in-process',
        ),
      )
      .overrideProvider(DocumentsConfig)
      .useValue(new DocumentsConfig(options.documents ?? { adapter: 'files', directory: documentDirectoryOf({ dataDir }) }, options.documentMaxBytes))
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(AccessConfig)
      // Tests write faster than people do, on a clock that stands still: the brake on writes has a spec of its own.
      .useValue(options.access ?? new AccessConfig(undefined, undefined, undefined, undefined, 1_000_000))
      .compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: options.logger ?? ['error', 'warn'],
    });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new TestApp(app, `http://127.0.0.1:${port}`, clock, dataDir, options.dataDir === undefined, options.events?.adapter === 'postgres' ? options.events.url : dataDir);
  }

  /**
   * Requests made by this user with an API token of their own: the first request adds the user to the deployment's
   * built-in users, as `sinergi user add` does.
   */
  as(user: TestUser): RequestsAs {
    const token = this.tokenOf(user);
    return this.requests(token.then((issued) => ({ Authorization: `Bearer ${issued}` })));
  }

  /** The API token of a user (added on first use, by the operator at the shell). */
  tokenOf(user: TestUser): Promise<string> {
    let token = this.tokens.get(user.userId);
    if (!token) {
      const { role, region, opd, national } = user;
      if (role === 'system') throw new Error('no token carries the engine role');
      token = this.app
        .get(Users)
        .add({ userId: user.userId, name: user.name ?? user.userId, role, region, opd, national }, TEST_OPERATOR, this.clock.now())
        .then(({ token: issued }) => issued);
      this.tokens.set(user.userId, token);
    }
    return token;
  }

  /** Any request (a PUT, an upload) made by this user: sent once the user exists, with their token. */
  signed<T extends request.Test>(user: TestUser, test: T): T {
    return this.sentWith(test, this.tokenOf(user).then((token) => ({ Authorization: `Bearer ${token}` })));
  }

  /** Requests that carry this bearer token, whatever it is. */
  withToken(token: string): RequestsAs {
    return this.requests(Promise.resolve({ Authorization: `Bearer ${token}` }));
  }

  /** Requests without a token. */
  anonymous(): RequestsAs {
    return this.requests(Promise.resolve({}));
  }

  /** The application's own instance of a provider. */
  get<T>(type: { prototype: T }): T {
    return this.app.get(type as Type<T>);
  }

  /**
   * The store's head position: how many events it holds. Adding a user is an event too (`UserAdded`): a test that
   * compares counts around a user's first request adds the user first (`await app.tokenOf(user)`).
   */
  async eventCount(): Promise<number> {
    await Promise.all(this.tokens.values());
    return this.app.get(EventStore).headPosition();
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A request sent once its headers are known (a user's token exists once the user is recorded). */
  private sentWith<T extends request.Test>(test: T, headers: Promise<Record<string, string>>): T {
    const end = test.end.bind(test);
    test.end = (callback) => {
      headers.then(
        (known) => end.call(test.set(known), callback),
        (error: unknown) => callback?.(error, undefined as never),
      );
      return test;
    };
    return test;
  }

  private requests(headers: Promise<Record<string, string>>): RequestsAs {
    const agent = request(this.url);
    const withBody = (test: request.Test, body: object | undefined) => (body === undefined ? test : test.send(body));
    return {
      get: (path) => this.sentWith(agent.get(path), headers),
      post: (path, body) => withBody(this.sentWith(agent.post(path), headers), body),
      put: (path, body) => withBody(this.sentWith(agent.put(path), headers), body),
    };
  }
}
