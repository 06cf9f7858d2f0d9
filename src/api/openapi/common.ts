import { API_PAGE_DEFAULT, API_PAGE_MAX } from '../pages.js';
import { PROBLEM_STATUSES, json, problems, ref, security, type ApiPart } from './part.js';
import { SCOPES } from '../../auth/api-tokens.js';

/** The components every part uses: problem details, paging parameters, the token scheme. */
export const components = {
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: `A personal access token (\`tst_…\`) from Settings → Access tokens. Scopes: ${Object.entries(SCOPES).map(([name, s]) => `\`${name}\` (${s.label.toLowerCase()})`).join(', ')}.`,
    },
  },
  parameters: {
    limit: { name: 'limit', in: 'query', required: false, description: `Items on one page (default ${API_PAGE_DEFAULT}).`, schema: { type: 'integer', minimum: 1, maximum: API_PAGE_MAX } },
    cursor: { name: 'cursor', in: 'query', required: false, description: 'The cursor of the previous page\'s `next` address; the first page without it.', schema: { type: 'string', maxLength: 200 } },
  },
  responses: Object.fromEntries(Object.entries(PROBLEM_STATUSES).map(([status, description]) => [
    `Problem${status}`,
    { description, content: { 'application/problem+json': { schema: ref('Problem') } } },
  ])),
};

/** Schemas and paths of the API's own plumbing: problems, the document itself, one video. */
export const coreApi: ApiPart = {
  schemas: {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details.',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string', description: 'What went wrong, in words a person can act on.' },
        instance: { type: 'string' },
        requestId: { type: 'string' },
        errors: { type: 'object', additionalProperties: { type: 'string' }, description: 'For a refused form (422): the message of each refused field, by field name.' },
      },
    },
    Channel: {
      type: 'object',
      required: ['handle', 'displayName', 'bio', 'avatarUrl', 'url', 'subscriberCount', 'createdAt'],
      properties: {
        handle: { type: 'string' },
        displayName: { type: 'string' },
        bio: { type: 'string' },
        avatarUrl: { type: ['string', 'null'], format: 'uri' },
        url: { type: 'string', format: 'uri' },
        subscriberCount: { type: 'integer' },
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
    Me: {
      allOf: [ref('Channel'), {
        type: 'object',
        required: ['email', 'scopes'],
        properties: {
          email: { type: ['string', 'null'], format: 'email' },
          scopes: { type: ['array', 'null'], items: { type: 'string' }, description: 'The scopes of the token used; null with a session cookie.' },
        },
      }],
    },
    ChannelRef: {
      type: 'object',
      required: ['handle', 'displayName', 'url'],
      properties: { handle: { type: 'string' }, displayName: { type: 'string' }, url: { type: 'string', format: 'uri' } },
    },
    VideoSummary: {
      type: 'object',
      required: ['id', 'title', 'status', 'visibility', 'durationSeconds', 'publishedAt', 'viewCount', 'likeCount', 'commentCount', 'channel', 'watchUrl', 'thumbnailUrl'],
      properties: {
        id: { type: 'string', description: 'The public id, as in /watch/{id}.' },
        title: { type: 'string' },
        status: { enum: ['uploaded', 'processing', 'ready', 'failed'] },
        visibility: { enum: ['public', 'unlisted', 'private', 'scheduled'], description: 'scheduled: seen by its owner only, until the time it is published at.' },
        durationSeconds: { type: 'number' },
        publishedAt: { type: ['string', 'null'], format: 'date-time' },
        viewCount: { type: 'integer' },
        likeCount: { type: 'integer' },
        commentCount: { type: 'integer' },
        channel: ref('ChannelRef'),
        watchUrl: { type: 'string', format: 'uri' },
        thumbnailUrl: { type: ['string', 'null'], format: 'uri' },
      },
    },
    Video: {
      allOf: [ref('VideoSummary'), {
        type: 'object',
        required: ['description', 'tags', 'category', 'language', 'progress', 'failureReason', 'dislikeCount', 'createdAt', 'renditions'],
        properties: {
          description: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          category: { type: ['string', 'null'] },
          language: { type: ['string', 'null'] },
          progress: { type: 'integer', minimum: 0, maximum: 100 },
          failureReason: { type: ['string', 'null'] },
          dislikeCount: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          renditions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['label', 'width', 'height', 'bytes', 'url'],
              properties: { label: { type: 'string' }, width: { type: 'integer' }, height: { type: 'integer' }, bytes: { type: 'integer' }, url: { type: 'string', format: 'uri' } },
            },
          },
        },
      }],
    },
  },
  paths: {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        tags: ['API'],
        security: [{}],
        responses: { 200: json('The OpenAPI 3.1 document of this API.', { type: 'object' }) },
      },
    },
    '/me': {
      get: {
        operationId: 'getMe',
        summary: 'The account the token belongs to',
        tags: ['Account'],
        security: security('account:read'),
        responses: { 200: json('The account.', ref('Me')), ...problems(401, 403, 429) },
      },
    },
    '/videos/{id}': {
      get: {
        operationId: 'getVideo',
        summary: 'One video: its state, details and renditions',
        description: 'Anyone may read a video they could watch on the site. The owner also sees it while it is processing, failed or private (a token with `videos:read`, or their signed-in session).',
        tags: ['Videos'],
        security: security('videos:read', true),
        parameters: [{ $ref: '#/components/parameters/videoId' }],
        responses: { 200: json('The video.', ref('Video')), ...problems(401, 403, 404, 429) },
      },
    },
  },
};

Object.assign(components.parameters, {
  videoId: { name: 'id', in: 'path', required: true, description: 'The video\'s public id.', schema: { type: 'string' } },
  handle: { name: 'handle', in: 'path', required: true, description: 'The channel\'s handle, without the @.', schema: { type: 'string' } },
});
