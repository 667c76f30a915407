export {
  type ConfluenceClientOptions,
  createConfluenceClient,
  FetchConfluenceClient,
} from './confluence-client.js';
export * from './confluence-types.js';
export { decodeTinyId, encodeTinyId, isPageId, parsePageRef } from './page-ref.js';
