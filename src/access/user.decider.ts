import { LifecycleError, NotFound } from '../core/domain-error';
import { type Decider, ignoreUnknown } from '../core/decider';
import type { Principal } from './principal';

/** Each built-in user has a stream of their own: who created them, and who revoked their token, when. */
export const userStreamId = (userId: string): string => `user-${userId}`;
export const USER_STREAM_PREFIX = 'user-';

/** Who a built-in user is: what their token speaks for. */
export type UserProfile = Omit<Principal, 'via'>;

/** Only the SHA-256 of the token is recorded: the log lets nobody sign in, and an auditor sees that a token was issued. */
export type UserAdded = { type: 'UserAdded'; data: UserProfile & { tokenSha256: string } };
export type UserRevoked = { type: 'UserRevoked'; data: { userId: string } };
export type UserEvent = UserAdded | UserRevoked;

export type UserCommand = { type: 'AddUser'; data: UserAdded['data'] } | { type: 'RevokeUser'; data: { userId: string } };

export interface UserState {
  added: boolean;
  revoked: boolean;
}

export class UserAlreadyExists extends LifecycleError {
  constructor(userId: string) {
    super(`a user ${userId} already exists; choose another id`, 'userId');
  }
}

export class UnknownUser extends NotFound {
  constructor(userId: string) {
    super(`no user ${userId}`, 'userId');
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: { added: false, revoked: false },
  evolve(state, event) {
    switch (event.type) {
      case 'UserAdded':
        return { added: true, revoked: false };
      case 'UserRevoked':
        return { ...state, revoked: true };
      default:
        return ignoreUnknown(event, state);
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'AddUser':
        if (state.added) throw new UserAlreadyExists(command.data.userId);
        return [{ type: 'UserAdded', data: command.data }];
      case 'RevokeUser':
        if (!state.added) throw new UnknownUser(command.data.userId);
        // Revoking twice records nothing more: the first revocation stands, with its author and time.
        return state.revoked ? [] : [{ type: 'UserRevoked', data: command.data }];
    }
  },
};
