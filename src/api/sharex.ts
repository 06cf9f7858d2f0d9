/**
 * A ShareX custom uploader (.sxcu, https://getsharex.com/docs/custom-uploader) for this site:
 * files go to POST /api/v1/uploads as multipart form data in the field `file`, with a token of
 * its own; ShareX reads the links from the JSON answer ({json:url} and the others) and, for a
 * refusal, the problem details' `detail`.
 */
export function sharexUploader(publicUrl: URL | string, siteName: string, secret: string) {
  return {
    // The ShareX release whose format this is: 13.7 brought the {json:…} syntax used below.
    Version: '15.0.0',
    Name: siteName,
    // Videos are files to ShareX: its screen recordings (mp4) go through the file uploader. Not
    // the image uploader: ShareX makes an imported uploader the destination of each type named
    // here, and every screenshot and GIF would then be sent to a site that refuses pictures
    // ("This file is a picture, not a video.").
    DestinationType: 'FileUploader',
    RequestMethod: 'POST',
    RequestURL: new URL('/api/v1/uploads', publicUrl).href,
    Headers: { Authorization: `Bearer ${secret}` },
    Body: 'MultipartFormData',
    FileFormName: 'file',
    URL: '{json:url}',
    ThumbnailURL: '{json:thumbnail_url}',
    DeletionURL: '{json:deletion_url}',
    ErrorMessage: '{json:detail}',
  };
}

/** The .sxcu file's name: the site's name, kept to characters every file system takes. */
export function sharexFileName(siteName: string): string {
  const base = siteName.normalize('NFKD').replace(/[^A-Za-z0-9 ._-]+/g, '').trim().replace(/\s+/g, '-').replace(/^\.+/, '').slice(0, 60);
  return `${base || 'tubestead'}.sxcu`;
}
