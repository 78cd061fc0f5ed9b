// Before the application's modules load: a collection made while they load sets the heap's next limit, and made with
// V8's default growth it let an import of 40,000 rows reach 346 MB instead of 250 (3 runs in 20).
import { growHeapAsTheServerDoes } from './heap-growth';
growHeapAsTheServerDoes();
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { USER_USAGE, runUserCommand } from './access/user-cli';
import { AppModule } from './app.module';
import { AUDIT_USAGE, runAuditCommand } from './audit/audit-cli';
import { BACKUP_USAGE, RESTORE_USAGE, runBackupCommand, runRestoreCommand } from './backup/backup-cli';
import { DOCUMENTS_USAGE, runDocumentsCommand } from './documents/documents-cli';
import { SinergiConfig } from './config/sinergi.config';
import { SEED_STORY_COUNT, importWestJavaRegister, loadSeedStories } from './demo/seed-stories';
import { AgreementImporter } from './imports/agreement-importer';
import { IMPORT_USAGE, runImportCommand } from './imports/import-cli';
import { positionalsOnly } from './cli-usage';
import { startServer } from './main';
import { startProgress } from './progress';
import { MIGRATE_USAGE, runMigrateCommand } from './migration/migrate-command';
import { REPORT_USAGE, runReportCommand } from './reports/report-cli';
import { TAKEOVER_USAGE, runTakeoverCommand } from './registry/registry-cli';
import { PROJECTOR_USAGE, REBUILD_USAGE, runProjectorCommand, runRebuildCommand } from './read-models/projector/projections-cli';

interface CliCommand {
  summary: string;
  run(args: string[]): Promise<void>;
}

const commands: Record<string, CliCommand> = {
  start: {
    summary: 'run the API server (PORT, SINERGI_DATA_DIR, SINERGI_EVENT_STORE)',
    run: async (args) => {
      positionalsOnly(args, 0);
      await startServer();
    },
  },
  demo: {
    summary: "load the seed stories (Banten–Bengkulu, West Java ×4, Serang–Bandung) through the command path, then West Java's register of 76 KSB through the import",
    run: async (args) => {
      positionalsOnly(args, 0);
      const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
      try {
        const config = app.get(SinergiConfig);
        console.log(`Loading the seed stories into ${config.eventStore.adapter} at ${config.eventStoreLocation}`);
        const progress = startProgress('loading', { total: SEED_STORY_COUNT, unit: 'stories' });
        const stories = await loadSeedStories(app.get(CommandBus), (story, loaded) => {
          progress.log(`  ${story.name.padEnd(18)} ${story.agreementId}  ${String(story.eventsWritten).padStart(3)} events  ${story.title}`);
          progress.update(loaded);
        });
        progress.finish();
        const written = stories.reduce((sum, s) => sum + s.eventsWritten, 0);
        console.log(
          written === 0
            ? `${stories.length} agreements were already loaded; nothing new was written.`
            : `${stories.length} agreements loaded, ${written} events written.`,
        );
        const importing = startProgress("importing West Java's register", { unit: 'rows' });
        const register = await importWestJavaRegister(app.get(AgreementImporter), (done, total) => importing.update(done, total));
        importing.finish();
        console.log(
          `West Java's register (seed 003, ${register.rows} KSB): ${register.imported.ksb} imported, ${register.alreadyRecorded.length} already recorded` +
            `${register.problems.length ? `, ${register.problems.length} refused` : ''}.`,
        );
      } finally {
        await app.close();
      }
    },
  },
  import: {
    summary: `bring in the agreements an office already has, from a spreadsheet (safe to re-run):\n${indented(IMPORT_USAGE)}`,
    run: async (args) => {
      process.exitCode = await runImportCommand(args);
    },
  },
  migrate: {
    summary: `${MIGRATE_USAGE}: copy the SQLite store of SINERGI_DATA_DIR, verify the copy (safe to re-run)`,
    run: async (args) => {
      await runMigrateCommand(args);
    },
  },
  projector: {
    summary: `${PROJECTOR_USAGE}: keep the read models live in a process of their own (server: SINERGI_PROJECTOR=external)`,
    run: async (args) => {
      process.exitCode = await runProjectorCommand(args);
    },
  },
  rebuild: {
    summary: `${REBUILD_USAGE}: replay read models from the start; the live ones serve until the new ones switch in`,
    run: async (args) => {
      process.exitCode = await runRebuildCommand(args);
    },
  },
  backup: {
    summary: `${BACKUP_USAGE}: a consistent copy of the data directory while Sinergi runs, verified (the log's seal compared)`,
    run: async (args) => {
      process.exitCode = await runBackupCommand(args);
    },
  },
  restore: {
    summary: `${RESTORE_USAGE}: put a backup back into SINERGI_DATA_DIR (which must hold no store yet), verified against its seal`,
    run: async (args) => {
      process.exitCode = await runRestoreCommand(args);
    },
  },
  user: {
    summary: `the built-in users and their API tokens (tokens are shown once):\n${indented(USER_USAGE)}`,
    run: async (args) => {
      process.exitCode = await runUserCommand(args);
    },
  },
  report: {
    summary: `${REPORT_USAGE}: a region's semester report as PDF or Excel`,
    run: async (args) => {
      process.exitCode = await runReportCommand(args, () => NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] }));
    },
  },
  documents: {
    summary: `the files of the documents the steps name:\n${indented(DOCUMENTS_USAGE)}  (read back, hashed again: missing or altered ones; exit 1 then)`,
    run: async (args) => {
      process.exitCode = await runDocumentsCommand(args);
    },
  },
  takeover: {
    summary: `${TAKEOVER_USAGE}: move access.sqlite and reminders.sqlite into the event store, check nothing was lost (the server does it on start)`,
    run: async (args) => {
      positionalsOnly(args, 0);
      process.exitCode = await runTakeoverCommand();
    },
  },
  audit: {
    summary: `history, state as of a date, changes, export, and the tamper check with its seal:\n${indented(AUDIT_USAGE)}`,
    run: async (args) => {
      process.exitCode = await runAuditCommand(args);
    },
  },
};

function indented(lines: readonly string[]): string {
  return lines.map((line) => `      sinergi ${line}`).join('\n');
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'Usage: sinergi <command>',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    console.log(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  await command.run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
