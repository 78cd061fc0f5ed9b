import { InvalidInput } from '../core/domain-error';

export class PointInTimeRequired extends InvalidInput {
  constructor() {
    super('say which state: either date (YYYY-MM-DD) or revision, not both', 'date');
  }
}

export class DatesOutOfOrder extends InvalidInput {
  constructor(from: string, to: string) {
    super(`from (${from}) must not be after to (${to})`, 'from');
  }
}
