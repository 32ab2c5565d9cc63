export { encodeSseData, parseSse, SSE_HEADERS, sseResponse } from './sse.ts';
