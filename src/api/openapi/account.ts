import { json, page, pageParameters, problems, ref, security, type ApiPart } from './part.js';
import { NOTIFICATION_KINDS } from '../../notifications/kinds.js';

/** The signed-in account's lists (issue 15, item 2): src/routes/api-account.ts. */
export const accountApi: ApiPart = {
  schemas: {
    Subscription: {
      type: 'object',
      required: ['channel', 'bell', 'subscribedAt'],
      properties: {
        channel: ref('Channel'),
        bell: { type: 'boolean', description: 'True when the account is told of each new video of the channel.' },
        subscribedAt: { type: 'string', format: 'date-time' },
      },
    },
    Notification: {
      type: 'object',
      required: ['id', 'kind', 'text', 'quote', 'url', 'available', 'read', 'readAt', 'actor', 'actorCount', 'video', 'createdAt', 'updatedAt'],
      properties: {
        id: { type: 'string' },
        kind: { enum: [...NOTIFICATION_KINDS] },
        text: { type: 'string', description: 'What the notifications page says (plain text).' },
        quote: { type: ['string', 'null'], description: 'A quote of the comment, when there is one.' },
        url: { type: ['string', 'null'], format: 'uri', description: 'Where it leads on the site; null when nowhere now.' },
        available: { type: 'boolean', description: 'False when what it was about is deleted or no longer visible to the account: then it names nothing.' },
        read: { type: 'boolean' },
        readAt: { type: ['string', 'null'], format: 'date-time' },
        actor: { oneOf: [ref('ChannelRef'), { type: 'null' }] },
        actorCount: { type: 'integer', description: 'People folded into it ("Ana and 12 others").' },
        video: { type: ['string', 'null'], description: 'The public id of the video it is about, if any and visible.' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time', description: 'Last time someone joined it; the order of the list.' },
      },
    },
  },
  paths: {
    '/me/subscriptions': {
      get: {
        operationId: 'listMySubscriptions',
        summary: 'The channels the account follows, last followed first',
        tags: ['Account'],
        security: security('account:read'),
        parameters: pageParameters,
        responses: { 200: json('A page of subscriptions.', page(ref('Subscription'))), ...problems(401, 403, 422, 429) },
      },
    },
    '/me/notifications': {
      get: {
        operationId: 'listMyNotifications',
        summary: 'The account\'s notifications, last updated first',
        description: 'As the notifications page lists them. Reading them here marks nothing read.',
        tags: ['Account'],
        security: security('notifications:read'),
        parameters: [...pageParameters, { name: 'unread', in: 'query', required: false, description: 'true: only those not yet read.', schema: { enum: ['true', 'false'] } }],
        responses: { 200: json('A page of notifications.', page(ref('Notification'))), ...problems(401, 403, 422, 429) },
      },
    },
  },
};
