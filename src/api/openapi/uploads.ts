import { DESCRIPTION_MAX, TAGS_MAX, TITLE_MAX, VISIBILITIES } from '../../forms/upload.js';
import { json, problems, ref, security, type ApiPart } from './part.js';

/** POST /uploads (src/routes/api-uploads.ts): one video in one multipart request, as ShareX sends it. */
export const uploadsApi: ApiPart = {
  schemas: {
    Upload: {
      type: 'object',
      required: ['id', 'url', 'thumbnail_url', 'deletion_url'],
      properties: {
        id: { type: 'string', description: 'The video\'s public id, as in /watch/{id} and GET /videos/{id}.' },
        url: { type: 'string', format: 'uri', description: 'The watch page. It plays once processing is done (follow it with GET /videos/{id}).' },
        thumbnail_url: { type: 'string', format: 'uri', description: 'Redirects to the video\'s thumbnail once processing has made one. Until then it redirects its owner to a placeholder picture, and is a 404 to others, as the video is.' },
        deletion_url: { type: 'string', format: 'uri', description: 'Deletes the video without signing in: it opens a page that asks, and a button deletes. Keep it as secret as the video\'s deletion should be; it is shown only in this answer.' },
      },
    },
  },
  paths: {
    '/uploads': {
      post: {
        operationId: 'uploadVideo',
        summary: 'Upload a video (ShareX and scripts)',
        description: 'One video file as multipart/form-data, in the field `file`. The account\'s upload limits (size of one file, uploads and bytes per day, storage, videos processing at once) are checked before the file is read, judging its size by Content-Length, and again with its real size. The title defaults to the file\'s name; the visibility to `unlisted` (watchable by link, shown in no listing).',
        tags: ['Uploads'],
        security: security('videos:upload'),
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The video file.' },
                  title: { type: 'string', maxLength: TITLE_MAX, description: 'Defaults to the file\'s name, without its extension.' },
                  description: { type: 'string', maxLength: DESCRIPTION_MAX },
                  tags: { type: 'string', description: `Comma-separated, up to ${TAGS_MAX}.` },
                  visibility: { enum: [...VISIBILITIES], description: 'Defaults to unlisted.' },
                },
              },
            },
          },
        },
        responses: {
          201: { ...json('The video is stored and waits for processing; `Location` is its watch page.', ref('Upload')), headers: { Location: { schema: { type: 'string', format: 'uri' } } } },
          ...problems(400, 401, 403, 413, 422, 429),
        },
      },
    },
  },
};
