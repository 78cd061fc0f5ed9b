export class RecordedEventReference {
  type!: string;
  /** The event's revision in the agreement's stream. */
  revision!: number;
}

/** The answer to every accepted command. */
export class CommandResponse {
  /** The agreement (KSB) the command acted on; one stream holds it with its PKS, follow-ups and visits. */
  agreementId!: string;
  /** Revision of the agreement's stream after the command. */
  revision!: number;
  /** Global position of the last event the command wrote. */
  position!: number;
  /** The events the command recorded, in order (for a replayed Idempotency-Key: the events first recorded). */
  events!: RecordedEventReference[];
  /** True when the Idempotency-Key had been used before: nothing new was written, the first result is returned. */
  replayed!: boolean;
}

export class NewDraftVersionResponse extends CommandResponse {
  /** The version number of the new draft. */
  version!: number;
}

export class NewPksResponse extends CommandResponse {
  /** The id of the new PKS under this agreement, e.g. `pks-1`. */
  pksId!: string;
}

export class NewFollowUpResponse extends CommandResponse {
  /** The id of the new follow-up under this agreement, e.g. `tl-1`. */
  followUpId!: string;
}

export class NewVisitResponse extends CommandResponse {
  /** The id of the new reciprocal visit under this agreement, e.g. `visit-1`. */
  visitId!: string;
}
