import { DESCRIPTION_MAX, TAGS_MAX, TAG_MAX_CHARS, TITLE_MAX } from '../../forms/upload.js';
import { SEARCH_QUERY_MAX_CHARS, SEARCH_RESULTS_MAX } from '../../forms/search.js';
import { SEARCH_MAX } from '../../forms/studio.js';
import { json, page, pageParameters, problems, ref, security, type ApiPart } from './part.js';

// Videos and channels (issue 15, item 2): src/routes/api-videos.ts.

const videoId = { $ref: '#/components/parameters/videoId' };
const handle = { $ref: '#/components/parameters/handle' };
const videoPageOf = (what: string) => json(`A page of ${what}.`, ref('VideoPage'));
const choiceParameter = (name: string, values: string[], description: string) => ({ name, in: 'query', required: false, description, schema: { enum: values } });

export const videosApi: ApiPart = {
  schemas: {
    VideoPage: page(ref('VideoSummary')),
    VideoEdit: {
      type: 'object',
      description: 'The fields of the studio\'s edit form; each one left out keeps its value. The same rules as the form: a refused field is named in the 422\'s `errors`.',
      properties: {
        title: { type: 'string', maxLength: TITLE_MAX, description: 'One line, not empty.' },
        description: { type: 'string', maxLength: DESCRIPTION_MAX },
        tags: {
          oneOf: [{ type: 'array', items: { type: 'string', maxLength: TAG_MAX_CHARS } }, { type: 'string' }],
          description: `At most ${TAGS_MAX} tags of ${TAG_MAX_CHARS} characters: a list, or one string separated by commas.`,
        },
        visibility: { enum: ['public', 'unlisted', 'private', 'scheduled'], description: 'scheduled: with publishDate and publishTime, made public then.' },
        category: { type: ['string', 'null'], description: 'A category of the edit form\'s list; null or "" for none.' },
        language: { type: ['string', 'null'], description: 'A language tag of the edit form\'s list; null or "" for none.' },
        publishDate: { type: 'string', description: 'For a scheduled video: the day, YYYY-MM-DD, in timeZone.' },
        publishTime: { type: 'string', description: 'For a scheduled video: the time, HH:MM, in timeZone.' },
        timeZone: { type: 'string', description: 'An IANA time zone (default UTC) that publishDate and publishTime are read in.' },
      },
    },
  },
  paths: {
    '/videos': {
      get: {
        operationId: 'listVideos',
        summary: 'The latest videos',
        description: 'The videos listed on the home page (ready, public, their channel live), newest first.',
        tags: ['Videos'],
        security: security('videos:read', true),
        parameters: pageParameters,
        responses: { 200: videoPageOf('videos'), ...problems(401, 403, 422, 429) },
      },
    },
    '/search/videos': {
      get: {
        operationId: 'searchVideos',
        summary: 'Search videos',
        description: `The search page's video results: the same words (quotes, -word and "or" as on the page), orders and filters, at most ${SEARCH_RESULTS_MAX} results. Counted against the same limit per client address as the search page (429).`,
        tags: ['Videos'],
        security: security('videos:read', true),
        parameters: [
          { name: 'q', in: 'query', required: true, description: `What to search for, 1 to ${SEARCH_QUERY_MAX_CHARS} characters.`, schema: { type: 'string', minLength: 1, maxLength: SEARCH_QUERY_MAX_CHARS } },
          choiceParameter('sort', ['relevance', 'date', 'views'], 'The order (default relevance).'),
          choiceParameter('duration', ['short', 'medium', 'long'], 'Under 4 minutes, 4 to 20, or longer.'),
          choiceParameter('uploaded', ['day', 'week', 'month', 'year'], 'Published within the last day, week, month or year.'),
          ...pageParameters,
        ],
        responses: { 200: videoPageOf('matching videos'), ...problems(401, 403, 422, 429) },
      },
    },
    '/videos/{id}': {
      patch: {
        operationId: 'editVideo',
        summary: 'Change a video\'s details',
        description: 'What the studio\'s edit page changes, with its rules: title, description, tags, visibility (and schedule), category and language. Only the fields sent change. Your own videos only: anyone else\'s is a 404.',
        tags: ['Videos'],
        security: security('videos:write'),
        parameters: [videoId],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: ref('VideoEdit') }, 'application/x-www-form-urlencoded': { schema: ref('VideoEdit') } },
        },
        responses: { 200: json('The video as saved.', ref('Video')), ...problems(400, 401, 403, 404, 413, 415, 422, 429) },
      },
      delete: {
        operationId: 'deleteVideo',
        summary: 'Delete a video',
        description: 'Deletes the video and its files for good, as the studio\'s delete does: your own, or any a moderator may remove (403 otherwise; 404 for one you cannot see).',
        tags: ['Videos'],
        security: security('videos:write'),
        parameters: [videoId],
        responses: { 204: { description: 'Deleted.' }, ...problems(401, 403, 404, 429) },
      },
    },
    '/me/videos': {
      get: {
        operationId: 'listMyVideos',
        summary: 'My videos',
        description: 'The videos of the token\'s account in every state and visibility, newest upload first unless told, with the studio list\'s filters.',
        tags: ['Videos'],
        security: security('videos:read'),
        parameters: [
          choiceParameter('visibility', ['public', 'unlisted', 'private'], 'Only videos of this visibility.'),
          choiceParameter('state', ['uploaded', 'processing', 'ready', 'failed'], 'Only videos in this state.'),
          { name: 'q', in: 'query', required: false, description: `Only videos whose title contains this (at most ${SEARCH_MAX} characters).`, schema: { type: 'string', maxLength: SEARCH_MAX } },
          choiceParameter('sort', ['newest', 'oldest', 'views'], 'The order (default newest upload first).'),
          ...pageParameters,
        ],
        responses: { 200: videoPageOf('your videos'), ...problems(401, 403, 422, 429) },
      },
    },
    '/channels/{handle}': {
      get: {
        operationId: 'getChannel',
        summary: 'A channel',
        description: 'A channel anyone may open; a suspended, deleted or unknown one is a 404. The handle is read in any case.',
        tags: ['Channels'],
        security: security('videos:read', true),
        parameters: [handle],
        responses: { 200: json('The channel.', ref('Channel')), ...problems(401, 403, 404, 429) },
      },
    },
    '/channels/{handle}/videos': {
      get: {
        operationId: 'listChannelVideos',
        summary: 'A channel\'s videos',
        description: 'The videos its page lists (ready and public), newest or most viewed first; its owner too sees only these (their own list: /me/videos).',
        tags: ['Channels'],
        security: security('videos:read', true),
        parameters: [handle, choiceParameter('sort', ['newest', 'popular'], 'The order (default newest).'), ...pageParameters],
        responses: { 200: videoPageOf('the channel\'s videos'), ...problems(401, 403, 404, 422, 429) },
      },
    },
  },
};
