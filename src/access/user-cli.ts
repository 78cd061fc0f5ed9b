import { parseArgs } from 'node:util';
import { RegionDirectory } from '../regions/domain/region-directory';
import { UsageError, positionalsOnly, requiredOption } from '../cli-usage';
import { SystemClock } from '../core/clock.port';
import { openCliRegistry, shellOperator } from '../registry/registry-cli';
import type { BuiltInUser } from '../registry/registry';
import { AccessConfig } from './access.config';
import { type UserRole, USER_ROLES, isUserRole } from './principal';
import { Users } from './users';

export const USER_USAGE = [
  'user add --name NAME --role ROLE --region CODE [--opd OPD] [--national] [--id ID]',
  'user list',
  'user revoke ID',
];

/** `sinergi user ...`: the built-in users, recorded in the event store as events of their own streams. */
export async function runUserCommand(args: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const [action, ...rest] = args;
  const cli = await openCliRegistry(print);
  const regions = RegionDirectory.load();
  const users = new Users(cli.processor, cli.registry, AccessConfig.fromEnv(), (code) => regions.find(code) !== undefined);
  const now = new SystemClock().now();
  try {
    switch (action) {
      case 'add':
        return await add(users, rest, print, now);
      case 'list':
        positionalsOnly(rest, 0);
        printUsers(users.list(), print);
        return 0;
      case 'revoke': {
        const [userId] = positionalsOnly(rest, 1);
        if (!userId) throw new UsageError('say which user: sinergi user revoke ID');
        const user = await users.revoke(userId, shellOperator(), now);
        print(`Revoked ${user.userId} (${user.name}) at ${user.revokedAt}: the token no longer works, on any node.`);
        return 0;
      }
      default:
        throw new UsageError(`usage:\n  ${USER_USAGE.map((line) => `sinergi ${line}`).join('\n  ')}`);
    }
  } finally {
    await cli.close();
  }
}

async function add(users: Users, args: readonly string[], print: (line: string) => void, now: Date): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { name: { type: 'string' }, role: { type: 'string' }, region: { type: 'string' }, opd: { type: 'string' }, id: { type: 'string' }, national: { type: 'boolean' } },
    strict: true,
  });
  const role = requiredOption(values.role, 'role');
  if (!isUserRole(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
  const { user, token } = await users.add(
    {
      userId: values.id,
      name: requiredOption(values.name, 'name'),
      role: role as UserRole,
      region: requiredOption(values.region, 'region'),
      opd: values.opd,
      national: values.national === true,
    },
    shellOperator(),
    now,
  );
  print(`Added ${describe(user)}.`);
  print('');
  print(`API token (shown this once; only its SHA-256 is recorded): ${token}`);
  print('Send it as the header  Authorization: Bearer <token>');
  return 0;
}

function describe(user: BuiltInUser): string {
  const scope = user.national ? ', national scope' : '';
  const opd = user.opd ? `, ${user.opd}` : '';
  return `${user.userId} (${user.name}): ${user.role} of ${user.region}${opd}${scope}`;
}

function printUsers(users: BuiltInUser[], print: (line: string) => void): void {
  if (users.length === 0) {
    print('No built-in users yet: add one with `sinergi user add`.');
    return;
  }
  for (const user of users) {
    const status = user.revokedAt ? `revoked ${user.revokedAt} by ${user.revokedBy?.userId}` : `active since ${user.createdAt}, added by ${user.createdBy.userId}`;
    print(`${describe(user)}  [${status}]`);
  }
}
