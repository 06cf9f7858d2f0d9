import { json, page, pageParameters, problems, ref, security, type ApiPart } from './part.js';

const playlistId = { name: 'id', in: 'path', required: true, description: 'The playlist\'s public id, as in /playlist/{id}.', schema: { type: 'string' } };
const itemVideoId = { name: 'videoId', in: 'path', required: true, description: 'The public id of the item\'s video.', schema: { type: 'string' } };
const body = (schema: unknown) => ({ required: true, content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } } });
/** What any change may be refused with: a body that cannot be read (400, 413, 415), the token (401, 403), the playlist (404). */
const CHANGE = [400, 401, 403, 404, 413, 415, 429];

/** Playlists (issue 15, item 2): src/routes/api-playlists.ts. */
export const playlistsApi: ApiPart = {
  schemas: {
    Playlist: {
      type: 'object',
      required: ['id', 'title', 'description', 'privacy', 'kind', 'itemCount', 'channel', 'url', 'createdAt', 'updatedAt'],
      properties: {
        id: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        privacy: { enum: ['public', 'unlisted', 'private'] },
        kind: { enum: ['normal', 'watch_later'], description: '`watch_later`: the built-in Watch later, private, never renamed or deleted.' },
        itemCount: { type: 'integer' },
        channel: ref('ChannelRef'),
        url: { type: 'string', format: 'uri' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
    },
    PlaylistItem: {
      type: 'object',
      required: ['videoId', 'video'],
      properties: {
        videoId: { type: ['string', 'null'], description: 'The video\'s public id; null to all but the playlist\'s owner when the video is unavailable to the caller.' },
        addedAt: { type: 'string', format: 'date-time' },
        video: { oneOf: [ref('VideoSummary'), { type: 'null' }], description: 'Null when the caller may not see the video, or it was deleted ("Unavailable video").' },
      },
    },
    PlaylistWithItems: {
      allOf: [ref('Playlist'), page(ref('PlaylistItem'))],
    },
    PlaylistDetails: {
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 150 },
        description: { type: 'string', maxLength: 5000 },
        privacy: { enum: ['public', 'unlisted', 'private'], description: 'Private unless told, on creation.' },
      },
    },
    PlaylistMove: {
      type: 'object',
      description: 'Exactly one of: `to` (a button of the playlist page), `before` or `after` (another item\'s video id: drag and drop).',
      properties: {
        to: { enum: ['up', 'down', 'top', 'bottom'] },
        before: { type: 'string' },
        after: { type: 'string' },
      },
    },
    PlaylistMoved: {
      type: 'object',
      required: ['videoId', 'moved', 'previous', 'next'],
      properties: {
        videoId: { type: 'string' },
        moved: { type: 'boolean', description: 'False when it was there already.' },
        previous: { type: ['string', 'null'], description: 'The video id before it now; null when first.' },
        next: { type: ['string', 'null'], description: 'The video id after it now; null when last.' },
      },
    },
  },
  paths: {
    '/playlists': {
      post: {
        operationId: 'createPlaylist',
        summary: 'Make a playlist',
        tags: ['Playlists'],
        security: security('playlists:write'),
        requestBody: body({ allOf: [ref('PlaylistDetails'), { required: ['title'] }] }),
        responses: {
          201: { ...json('The playlist, empty.', ref('Playlist')), headers: { Location: { description: 'The playlist in this API.', schema: { type: 'string', format: 'uri' } } } },
          ...problems(...CHANGE.filter((s) => s !== 404), 422),
        },
      },
    },
    '/playlists/{id}': {
      get: {
        operationId: 'getPlaylist',
        summary: 'A playlist and a page of its items, in order',
        description: 'A private playlist is its owner\'s alone (404 to everyone else).',
        tags: ['Playlists'],
        security: security('videos:read', true),
        parameters: [playlistId, ...pageParameters],
        responses: { 200: json('The playlist with a page of its items.', ref('PlaylistWithItems')), ...problems(401, 403, 404, 422, 429) },
      },
      patch: {
        operationId: 'editPlaylist',
        summary: 'Change a playlist\'s details (the fields sent)',
        description: 'The owner\'s; never Watch later (403).',
        tags: ['Playlists'],
        security: security('playlists:write'),
        parameters: [playlistId],
        requestBody: body(ref('PlaylistDetails')),
        responses: { 200: json('The playlist.', ref('Playlist')), ...problems(...CHANGE, 422) },
      },
      delete: {
        operationId: 'deletePlaylist',
        summary: 'Delete a playlist (its videos stay)',
        description: 'The owner\'s; never Watch later (403).',
        tags: ['Playlists'],
        security: security('playlists:write'),
        parameters: [playlistId],
        responses: { 204: { description: 'Deleted.' }, ...problems(...CHANGE) },
      },
    },
    '/playlists/{id}/items': {
      post: {
        operationId: 'addPlaylistItem',
        summary: 'Add a video at the end of a playlist',
        description: 'Only a video anyone with the link may watch, or one\'s own. Already there is answered 200.',
        tags: ['Playlists'],
        security: security('playlists:write'),
        parameters: [playlistId],
        requestBody: body({ type: 'object', required: ['video'], properties: { video: { type: 'string', description: 'The video\'s public id.' } } }),
        responses: {
          201: json('Added.', ref('PlaylistItem')),
          200: json('It was in the playlist already.', ref('PlaylistItem')),
          ...problems(...CHANGE, 422),
        },
      },
    },
    '/playlists/{id}/items/{videoId}': {
      delete: {
        operationId: 'removePlaylistItem',
        summary: 'Take a video out of a playlist',
        tags: ['Playlists'],
        security: security('playlists:write'),
        parameters: [playlistId, itemVideoId],
        responses: { 204: { description: 'Removed.' }, ...problems(...CHANGE) },
      },
    },
    '/playlists/{id}/items/{videoId}/move': {
      post: {
        operationId: 'movePlaylistItem',
        summary: 'Move an item within its playlist',
        tags: ['Playlists'],
        security: security('playlists:write'),
        parameters: [playlistId, itemVideoId],
        requestBody: body(ref('PlaylistMove')),
        responses: { 200: json('Where it is now.', ref('PlaylistMoved')), ...problems(...CHANGE, 409, 422) },
      },
    },
    '/channels/{handle}/playlists': {
      get: {
        operationId: 'listChannelPlaylists',
        summary: 'A channel\'s public playlists, last updated first',
        tags: ['Playlists'],
        security: security('videos:read', true),
        parameters: [{ $ref: '#/components/parameters/handle' }, ...pageParameters],
        responses: { 200: json('A page of playlists.', page(ref('Playlist'))), ...problems(401, 403, 404, 422, 429) },
      },
    },
  },
};
