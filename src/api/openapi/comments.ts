import { json, page, pageParameters, problems, ref, security, type ApiPart } from './part.js';

const commentId = { name: 'id', in: 'path', required: true, description: 'The comment\'s id.', schema: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } };
const videoId = { $ref: '#/components/parameters/videoId' };

/** Comments (issue 15, item 2): src/routes/api-comments.ts. */
export const commentsApi: ApiPart = {
  schemas: {
    Comment: {
      type: 'object',
      description: 'A comment as the watch page shows it to the caller. A deleted comment kept for its replies has no author, no text and no likes.',
      required: ['id', 'video', 'parent', 'body', 'author', 'state', 'createdAt', 'editedAt', 'likeCount', 'replyCount', 'pinned', 'hearted', 'url'],
      properties: {
        id: { type: 'string' },
        video: { type: 'string', description: 'The public id of the video it is under.' },
        parent: { type: ['string', 'null'], description: 'The top-level comment of its thread, for a reply; null for a top-level comment.' },
        body: { type: ['string', 'null'], description: 'The text as written (plain text: escape it); null once deleted.' },
        author: { oneOf: [ref('ChannelRef'), { type: 'null' }] },
        state: { enum: ['published', 'held', 'deleted', 'removed'], description: '`held`: waiting for review, shown only to its author, the creator and moderators; `deleted` by its author or the creator, `removed` by a moderator.' },
        createdAt: { type: 'string', format: 'date-time' },
        editedAt: { type: ['string', 'null'], format: 'date-time' },
        likeCount: { type: 'integer' },
        replyCount: { type: 'integer', description: 'Replies shown to everyone, for a top-level comment; 0 for a reply.' },
        pinned: { type: 'boolean' },
        hearted: { type: 'boolean', description: 'Hearted by the creator.' },
        url: { type: 'string', format: 'uri', description: 'The comment on its watch page.' },
      },
    },
    NewComment: {
      type: 'object',
      required: ['body'],
      properties: {
        body: { type: 'string', minLength: 1, maxLength: 10000, description: '1 to 10,000 characters once trimmed.' },
        parent: { type: ['string', 'null'], description: 'The id of the comment answered (a top-level comment or a reply) to post a reply.' },
      },
    },
  },
  paths: {
    '/videos/{id}/comments': {
      get: {
        operationId: 'listVideoComments',
        summary: 'A video\'s top-level comments, newest first',
        description: 'As the watch page shows them to the caller: none while the creator has turned comments off; held comments only to their author, the creator and moderators. The first page starts with the pinned comment, if any, besides `limit` others.',
        tags: ['Comments'],
        security: security('videos:read', true),
        parameters: [videoId, ...pageParameters],
        responses: { 200: json('A page of comments.', page(ref('Comment'))), ...problems(401, 403, 404, 422, 429) },
      },
      post: {
        operationId: 'postComment',
        summary: 'Comment on a video, or reply to a comment',
        description: 'As the watch page\'s form: the creator\'s review rules and the site\'s watched words may hold it for review (`state: held`); mentioned people, the creator and the person answered are told. The same text posted again within a minute is answered 200 with the first comment. Limited per account per minute and per day (429).',
        tags: ['Comments'],
        security: security('comments:write'),
        parameters: [videoId],
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewComment') }, 'application/x-www-form-urlencoded': { schema: ref('NewComment') } } },
        responses: {
          201: { ...json('The comment, posted.', ref('Comment')), headers: { Location: { description: 'The comment in this API.', schema: { type: 'string', format: 'uri' } } } },
          200: json('The same comment, posted a moment ago.', ref('Comment')),
          ...problems(400, 401, 403, 404, 413, 415, 422, 429),
        },
      },
    },
    '/comments/{id}': {
      get: {
        operationId: 'getComment',
        summary: 'One comment',
        tags: ['Comments'],
        security: security('videos:read', true),
        parameters: [commentId],
        responses: { 200: json('The comment.', ref('Comment')), ...problems(401, 403, 404, 429) },
      },
      delete: {
        operationId: 'deleteComment',
        summary: 'Delete a comment (its author, or the video\'s creator)',
        description: 'A top-level comment with replies stays as a placeholder (`state: deleted`) until its last reply goes.',
        tags: ['Comments'],
        security: security('comments:write'),
        parameters: [commentId],
        responses: { 204: { description: 'Deleted.' }, ...problems(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    '/comments/{id}/replies': {
      get: {
        operationId: 'listCommentReplies',
        summary: 'The replies of a top-level comment, oldest first',
        tags: ['Comments'],
        security: security('videos:read', true),
        parameters: [commentId, ...pageParameters],
        responses: { 200: json('A page of replies.', page(ref('Comment'))), ...problems(401, 403, 404, 422, 429) },
      },
    },
  },
};
