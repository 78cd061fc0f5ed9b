import type { Actor, Role } from '../core/event';

/** The roles a person can hold; `system` is the engine's own and no token carries it. */
export type UserRole = Exclude<Role, 'system'>;
export const USER_ROLES: readonly UserRole[] = ['coordinator', 'dinas-officer', 'auditor', 'admin'];

export const isUserRole = (value: unknown): value is UserRole => USER_ROLES.includes(value as UserRole);

/**
 * Who a verified token speaks for. Every user belongs to a region (an admin to the deployment's, a national
 * auditor to the seat of their office); `national` widens an auditor's reading to every region.
 */
export interface Principal {
  userId: string;
  name: string;
  role: UserRole;
  region: string;
  /** The OPD of a dinas officer. */
  opd?: string;
  national: boolean;
  /** Which authenticator verified the token. */
  via: 'api-token' | 'oidc';
}

/**
 * The actor an event records: who acted, and whether that id is a single sign-on subject (built-in ids and
 * subjects are two namespaces: the same string names two different people).
 */
export function actorOf(principal: Principal): Actor {
  const { userId, role, region, opd } = principal;
  return { userId, role, region, ...(opd ? { opd } : {}), ...(principal.via === 'oidc' ? { via: 'sso' as const } : {}) };
}

/** One string per person across both namespaces: what per-user keys (idempotency keys) are scoped by. */
export const actorKey = (actor: Actor): string => (actor.via === 'sso' ? `sso:${actor.userId}` : actor.userId);

/** Why a principal cannot be formed from what a user record or a token says; undefined when it can. */
export function principalProblem(fields: { role: unknown; region?: string; opd?: string; national: boolean }): string | undefined {
  if (!isUserRole(fields.role)) return `the role must be one of ${USER_ROLES.join(', ')}`;
  if (!fields.region) return 'a user belongs to a region: its Kemendagri code is required';
  if (fields.role === 'dinas-officer' && !fields.opd) return 'a dinas officer belongs to an OPD: it is required';
  if (fields.role !== 'dinas-officer' && fields.opd) return 'only a dinas officer belongs to an OPD';
  if (fields.national && fields.role !== 'auditor') return 'only an auditor may have national scope';
  return undefined;
}
