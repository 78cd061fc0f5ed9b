import { Body, Controller, ForbiddenException, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { GetAgreement } from '../agreements/application/agreement.queries';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Max, Min } from 'class-validator';
import type { Principal } from '../access/principal';
import { Clock } from '../core/clock.port';
import { EventStore } from '../core/event-store.port';
import { CurrentPrincipal } from '../access/request-actor';
import { RegionCodePipe } from '../read-models/http/read-models.controller';
import { authorizeRegionRead } from '../agreements/application/agreement-access';
import { authorizeRegionSettingsRead } from '../access/region-settings-access';
import { documentsOfRegion } from '../read-models/queries/agreement-views';
import { ReadModelReader } from '../read-models/queries/read-model.reader';
import { actorOf } from '../access/principal';
import { ContactDirectory } from '../regions/contact-directory';
import { CONTACT_ROLES, type Contact, type ContactRole } from '../regions/contacts';
import { PolicyOverrideDto } from '../regions/policy-override.dto';
import type { EffectivePolicy } from './reminder-policies';
import { deliveriesOf, type DeliveryRecord, reminderStreamId } from './reminder.events';
import { checkContactAddresses } from './contact-addresses';
import { RemindersRuntime } from './reminders.runtime';

export class ContactDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsIn(CONTACT_ROLES)
  role!: ContactRole;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  opd?: string;

  @IsOptional()
  @IsString()
  email?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  webhookUrl?: string;

  @IsOptional()
  @IsString()
  @Length(16, 200)
  webhookSecret?: string;

  @IsOptional()
  @IsBoolean()
  dailyDigest?: boolean;
}

export class SentRemindersQueryDto {
  /** How many days back from now: 7 (this week) by default. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

/** A delivery of one of the region's agreements, sent within the window. */
export type SentReminder = DeliveryRecord & { agreementId: string };

export interface SentReminders {
  region: string;
  /** The window, as instants (ISO 8601): a delivery counts when its `ReminderSent` was recorded within it. */
  since: string;
  until: string;
  sent: number;
  /** Newest first. */
  deliveries: SentReminder[];
}

const DAY_MS = 86_400_000;

/** Who may manage a region's directory and policy: its coordinators, and the deployment's admins. */
function requireManager(principal: Principal, region: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'coordinator' && principal.region === region) return;
  throw new ForbiddenException(`only an admin or a coordinator of region ${region} manages its reminders`);
}

/** A contact as the API shows it: whether it has a webhook secret, never the secret. */
const shown = ({ webhookSecret: _secret, ...contact }: Contact): Omit<Contact, 'webhookSecret'> => contact;

/** The OPD and coordinator directory, the regions' reminder policies, and the reminders an agreement was sent. */
@ApiTags('reminders')
@Controller()
export class RemindersController {
  constructor(
    private readonly runtime: RemindersRuntime,
    private readonly contactDirectory: ContactDirectory,
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly queries: QueryBus,
    private readonly reader: ReadModelReader,
  ) {}

  /** The region's contacts: those of that region only. */
  @Get('regions/:region/contacts')
  contacts(@CurrentPrincipal() principal: Principal, @Param('region', RegionCodePipe) region: string) {
    requireManager(principal, region);
    return this.contactDirectory.ofRegion(region).map(shown);
  }

  /** Creates or replaces a contact of the region; an id that belongs to another region's contact is refused (403). */
  @Put('regions/:region/contacts/:contactId')
  async saveContact(
    @CurrentPrincipal() principal: Principal,
    @Param('region', RegionCodePipe) region: string,
    @Param('contactId') contactId: string,
    @Body() body: ContactDto,
  ) {
    requireManager(principal, region);
    await checkContactAddresses(body, this.runtime.webhookTargets);
    const contact = await this.contactDirectory.save(region, contactId, { ...body, dailyDigest: body.dailyDigest ?? false }, actorOf(principal), this.clock.now());
    return shown(contact);
  }

  /** Removes a contact of the region; another region's contact is not found here (404). */
  @Post('regions/:region/contacts/:contactId/removal')
  @HttpCode(204)
  async removeContact(@CurrentPrincipal() principal: Principal, @Param('region', RegionCodePipe) region: string, @Param('contactId') contactId: string): Promise<void> {
    requireManager(principal, region);
    await this.contactDirectory.remove(region, contactId, actorOf(principal), this.clock.now());
  }

  /** The region's effective policy: read by its own users, national auditors and the deployment's admins. */
  @Get('regions/:region/reminder-policy')
  policy(@CurrentPrincipal() principal: Principal, @Param('region', RegionCodePipe) region: string): EffectivePolicy {
    authorizeRegionSettingsRead(principal, region);
    return this.runtime.policies.of(region);
  }

  /** Replaces the region's override of the policy; what the change affects is rescheduled on the next reconcile. */
  @Put('regions/:region/reminder-policy')
  override(@CurrentPrincipal() principal: Principal, @Param('region', RegionCodePipe) region: string, @Body() body: PolicyOverrideDto): Promise<EffectivePolicy> {
    requireManager(principal, region);
    return this.runtime.policies.override(region, body, actorOf(principal), this.clock.now());
  }

  /** Every reminder delivery of the agreement: who, which deadline, which channel, when, and its outcome. */
  @Get('agreements/:agreementId/reminders')
  async reminders(
    @CurrentPrincipal() principal: Principal,
    @Param('agreementId') agreementId: string,
  ): Promise<DeliveryRecord[]> {
    // Only those who may see the agreement see whom it reminded (404 or 403 as for the agreement itself).
    await this.queries.execute(new GetAgreement(agreementId, principal));
    return [...deliveriesOf(await this.events.readStream(reminderStreamId(agreementId))).values()];
  }

  /**
   * The reminders of the region's agreements (those it is a party to) sent in the last `days` days, read from
   * their reminder streams: one request for the dashboard's "sent this week". Scoped like the region's other
   * routes: a user's own region; any region for a national auditor.
   */
  @Get('regions/:code/reminders/sent')
  async sentInRegion(
    @CurrentPrincipal() principal: Principal,
    @Param('code', RegionCodePipe) code: string,
    @Query() query: SentRemindersQueryDto,
  ): Promise<SentReminders> {
    authorizeRegionRead(principal, code);
    const now = this.clock.now();
    const since = new Date(now.getTime() - (query.days ?? 7) * DAY_MS).toISOString();
    const until = now.toISOString();
    const agreementIds = await this.reader.read(async (snapshot) => (await documentsOfRegion(snapshot, code)).map((status) => status.agreementId));
    const perAgreement = await Promise.all(
      agreementIds.map(async (agreementId) =>
        [...deliveriesOf(await this.events.readStream(reminderStreamId(agreementId))).values()].map((d): SentReminder => ({ agreementId, ...d })),
      ),
    );
    const deliveries = perAgreement
      .flat()
      .filter((d) => d.outcome === 'sent' && d.settledAt !== undefined && d.settledAt >= since && d.settledAt <= until)
      .sort((a, b) => ((a.settledAt ?? '') < (b.settledAt ?? '') ? 1 : -1));
    return { region: code, since, until, sent: deliveries.length, deliveries };
  }
}
