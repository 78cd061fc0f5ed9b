import { SinergiConfig } from '../config/sinergi.config';
import { RegionDirectory } from '../regions/region-directory';
import { parseArgs } from 'node:util';
import { UsageError, requiredOption } from '../cli-usage';
import { accessFileOf } from './access.module';
import { type BuiltInUser, BuiltInUsers } from './built-in-users';
import { type UserRole, USER_ROLES, isUserRole } from './principal';

export const USER_USAGE = [
  'user add --name NAME --role ROLE --region CODE [--opd OPD] [--national] [--id ID]',
  'user list',
  'user revoke ID',
];

/** `sinergi user ...`: the built-in users of a single-site deployment, in SINERGI_DATA_DIR/access.sqlite. */
export async function runUserCommand(args: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const [action, ...rest] = args;
  const users = BuiltInUsers.open(accessFileOf(SinergiConfig.fromEnv()));
  try {
    switch (action) {
      case 'add':
        return add(users, rest, print);
      case 'list':
        printUsers(users.list(), print);
        return 0;
      case 'revoke': {
        const [userId] = rest;
        if (!userId) throw new UsageError('say which user: sinergi user revoke ID');
        const user = users.revoke(userId);
        print(`Revoked ${user.userId} (${user.name}) at ${user.revokedAt}: the token no longer works.`);
        return 0;
      }
      default:
        throw new UsageError(`usage:\n  ${USER_USAGE.map((line) => `sinergi ${line}`).join('\n  ')}`);
    }
  } finally {
    users.close();
  }
}

async function add(users: BuiltInUsers, args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { name: { type: 'string' }, role: { type: 'string' }, region: { type: 'string' }, opd: { type: 'string' }, id: { type: 'string' }, national: { type: 'boolean' } },
    strict: true,
  });
  const role = requiredOption(values.role, 'role');
  if (!isUserRole(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
  const regions = RegionDirectory.load();
  const { user, token } = users.add(
    {
      userId: values.id,
      name: requiredOption(values.name, 'name'),
      role: role as UserRole,
      region: requiredOption(values.region, 'region'),
      opd: values.opd,
      national: values.national === true,
    },
    (code) => regions.find(code) !== undefined,
  );
  print(`Added ${describe(user)}.`);
  print('');
  print(`API token (shown this once; only its SHA-256 is kept): ${token}`);
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
    const status = user.revokedAt ? `revoked ${user.revokedAt}` : `active since ${user.createdAt}`;
    print(`${describe(user)}  [${status}]`);
  }
}
