// The embed page's view report. That page keeps the browser's own controls, so it does not load
// player.js, only the report both share (view-report.js). It reports its own address as where
// the view came from, so the owner's statistics count it under "embedded player".
import { reportViewAfterWatching } from './view-report.js';

const video = document.querySelector('video#embed-player');
if (video) reportViewAfterWatching(video, location.href);
